// Prometheus metrics of one projector instance, in its own registry.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ProjectorMetrics {
  registry: Registry;
  eventsProjected: Counter;
  duplicatesSkipped: Counter;
  deadLetters: Counter;
  errors: Counter<'stage'>;
  batchSize: Histogram;
  batchDuration: Histogram;
  lagEvents: Gauge;
  lagSeconds: Gauge;
}

/** Creates the metrics; `defaults` adds the process metrics of prom-client. */
export function createProjectorMetrics(options: { defaults?: boolean } = {}): ProjectorMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  return {
    registry,
    eventsProjected: new Counter({
      name: 'audit_projector_events_projected_total',
      help: 'Events stored as new audit_log rows',
      registers,
    }),
    duplicatesSkipped: new Counter({
      name: 'audit_projector_duplicates_total',
      help: 'Messages skipped because their event or sequence was already stored',
      registers,
    }),
    deadLetters: new Counter({
      name: 'audit_projector_dead_letters_total',
      help: 'Messages sent to audit_dead_letters',
      registers,
    }),
    errors: new Counter({
      name: 'audit_projector_errors_total',
      help: 'Failed fetches and batch writes, each retried',
      labelNames: ['stage'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'audit_projector_batch_size',
      help: 'Messages per stored batch',
      buckets: [1, 5, 10, 25, 50, 100, 200, 500, 1000, 5000],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'audit_projector_batch_duration_seconds',
      help: 'Time to store one batch, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lagEvents: new Gauge({
      name: 'audit_projector_lag_events',
      help: 'Messages on the stream not yet delivered to the projector',
      registers,
    }),
    lagSeconds: new Gauge({
      name: 'audit_projector_lag_seconds',
      help: 'Age of the last projected message while more are pending; 0 when caught up',
      registers,
    }),
  };
}
