// The state projector's HTTP server: /health (the process is up, and whether
// the projector keeps up or is stalled on one event), /ready (database, NATS
// and the projector; 503 while stalled) and /metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installHealthRoutes } from '@stock-audit/service-kit';
import type { ProjectorMetrics } from './metrics.ts';
import type { StateProjector } from './state-projector.ts';

export interface ProjectorServerOptions {
  log: FastifyBaseLogger;
  projector: StateProjector;
  metrics: ProjectorMetrics;
  /** Readiness checks by name; each throws when its dependency is unavailable. */
  checks: Record<string, () => Promise<void>>;
}

export function buildProjectorServer(options: ProjectorServerOptions): FastifyInstance {
  const { projector, metrics, checks } = options;
  const app = Fastify({ loggerInstance: options.log }) as unknown as FastifyInstance;

  installHealthRoutes(
    app,
    {
      ...checks,
      projector: async () => {
        const { stalled } = projector.status();
        if (stalled)
          throw new Error(`stalled at stream sequence ${stalled.stream_seq}: ${stalled.error}`);
      },
    },
    () => projector.status(),
  );

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  return app;
}
