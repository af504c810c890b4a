// The state projector's HTTP server: /health (the process is up, and whether
// the projector keeps up or is stalled on one event), /ready (database, NATS
// and the projector; 503 while stalled) and /metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
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

  app.get('/health', async () => projector.status());

  app.get('/ready', async (request, reply) => {
    const results: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        ready = false;
        results[name] = (error as Error).message;
        request.log.warn({ check: name, err: error }, 'readiness check failed');
      }
    }
    const { stalled } = projector.status();
    if (stalled) {
      ready = false;
      results.projector = `stalled at stream sequence ${stalled.stream_seq}: ${stalled.error}`;
    } else {
      results.projector = 'ok';
    }

    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: results });
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  return app;
}
