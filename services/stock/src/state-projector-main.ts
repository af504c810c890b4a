// The state projector process: the durable `state-projector` consumer that
// applies state events to the read model, with /health, /ready and /metrics
// on HOST:STATE_PROJECTOR_PORT.
import { sql } from 'kysely';
import { loadConfigOrExit, prepareInfrastructure, stopOnSignals } from './lifecycle.ts';
import { createProjectorMetrics } from './projector/metrics.ts';
import { buildProjectorServer } from './projector/server.ts';
import { startStateProjector } from './projector/state-projector.ts';

const config = loadConfigOrExit();
const infrastructure = await prepareInfrastructure('state-projector', config);
const { log, db, nc } = infrastructure;

try {
  const metrics = createProjectorMetrics({ defaultMetrics: true });
  const projector = await startStateProjector({
    config,
    db,
    js: nc.jetstream(),
    jsm: await nc.jetstreamManager(),
    log,
    metrics,
  });

  const app = buildProjectorServer({
    log,
    projector,
    metrics,
    checks: {
      database: async () => void (await sql`SELECT 1`.execute(db)),
      nats: async () => {
        if (nc.isClosed()) throw new Error('NATS connection is closed');
        await nc.flush();
      },
    },
  });
  await app.listen({ host: config.host, port: config.stateProjectorPort });
  log.info({ stream: config.streamName }, 'state projector running');

  stopOnSignals(infrastructure, async () => {
    await projector.stop();
    await app.close();
  });
} catch (error) {
  log.fatal({ err: error }, 'state projector failed to start');
  await nc.close();
  await db.destroy();
  process.exit(1);
}
