// Prometheus metrics of the state projector.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface ProjectorMetrics {
  registry: Registry;
  applied: Counter<'result'>;
  lag: Gauge;
  lastSequence: Gauge;
  stalled: Gauge;
}

export function createProjectorMetrics(
  options: { defaultMetrics?: boolean } = {},
): ProjectorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });

  return {
    registry,
    applied: new Counter({
      name: 'stock_state_projector_events_total',
      help: 'State events processed: applied, ignored (not a read-model entity) or failed',
      labelNames: ['result'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'stock_state_projector_lag_events',
      help: 'State events in the stream that the projector has not yet processed',
      registers: [registry],
    }),
    lastSequence: new Gauge({
      name: 'stock_state_projector_last_sequence',
      help: 'Stream sequence of the last state event the projector processed',
      registers: [registry],
    }),
    stalled: new Gauge({
      name: 'stock_state_projector_stalled',
      help: '1 while a state event fails to apply and blocks the events after it, else 0',
      registers: [registry],
    }),
  };
}
