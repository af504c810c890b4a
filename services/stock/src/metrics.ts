// Prometheus metrics of the command API: commands by name and outcome, their
// latency, and appends retried after a concurrent write.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface CommandMetrics {
  registry: Registry;
  commands: Counter<'action' | 'status'>;
  duration: Histogram<'action' | 'status'>;
  appendConflicts: Counter<'entity_type'>;
}

/** Creates a registry of its own, so several apps in one process do not collide. */
export function createCommandMetrics(options: { defaultMetrics?: boolean } = {}): CommandMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });

  return {
    registry,
    commands: new Counter({
      name: 'stock_commands_total',
      help: 'Commands and queries handled, by action (such as product.create) and HTTP status',
      labelNames: ['action', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'stock_command_duration_seconds',
      help: 'Time from receiving a command to its reply, in seconds',
      labelNames: ['action', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    appendConflicts: new Counter({
      name: 'stock_append_conflicts_total',
      help: 'Appends retried because another event reached the entity first',
      labelNames: ['entity_type'],
      registers: [registry],
    }),
  };
}
