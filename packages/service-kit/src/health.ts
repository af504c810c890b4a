import type { FastifyInstance } from 'fastify';

/** One dependency check for /ready: resolves when the dependency is usable. */
export type ReadinessCheck = () => Promise<void>;

/**
 * Adds `GET /health` (the process is up; its body is `{ status: 'ok' }` or
 * what `health` returns) and `GET /ready` (every check passes: 200 with each
 * check's state, else 503 naming what failed).
 */
export function installHealthRoutes(
  app: FastifyInstance,
  checks: Record<string, ReadinessCheck>,
  health: () => Promise<object> | object = () => ({ status: 'ok' }),
): void {
  app.get('/health', async () => health());

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

    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
}
