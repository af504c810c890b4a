// The projector's HTTP side: /health with the projection's completeness,
// /ready for its dependencies, and /metrics for Prometheus.
import Fastify from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { AuditTables } from '@stock-audit/audit-log';
import { installHealthRoutes } from '@stock-audit/service-kit';
import type { ProjectorMetrics } from './metrics.ts';
import { findProblems, readProgress } from './progress.ts';

export interface ProjectorHttpDeps {
  db: Kysely<AuditTables>;
  nc: NatsConnection;
  streamName: string;
  metrics: ProjectorMetrics;
  logger: Logger;
}

export function buildProjectorHttp(deps: ProjectorHttpDeps) {
  const app = Fastify({ logger: false });

  // Always 200 while the process runs, because a restart fixes neither dead
  // letters nor gaps. `status` is "degraded" and `problems` lists the causes
  // when the audit log is incomplete. `projection` contains the figures, or
  // `projection_error` the reason they could not be read.
  const health = async () => {
    try {
      const jsm = await deps.nc.jetstreamManager();
      const progress = await readProgress(deps.db, jsm, deps.streamName);
      const problems = findProblems(progress);

      return {
        status: problems.length === 0 ? 'ok' : 'degraded',
        problems,
        projection: {
          projected_through: progress.projectedThrough,
          rows: progress.rows,
          duplicates: progress.duplicates,
          dead_letters: progress.openDeadLetters,
          events_seen: progress.eventsSeen,
          missing: progress.missing,
          no_gaps: progress.missing === 0,
          stream_last_sequence: progress.streamLastSequence,
          pending: progress.pending,
        },
      };
    } catch (error) {
      deps.logger.warn({ err: error }, 'reading projection progress failed');

      return { status: 'ok', projection_error: (error as Error).message };
    }
  };

  installHealthRoutes(
    app,
    {
      database: async () => {
        await sql`SELECT 1 FROM audit_log LIMIT 1`.execute(deps.db);
      },
      nats: async () => {
        if (deps.nc.isClosed()) throw new Error('connection closed');
      },
    },
    health,
  );

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);

    return deps.metrics.registry.metrics();
  });

  return app;
}
