// Starts one audit projector instance: migrations, stream and durable
// consumer, the consume loop and the HTTP side; returns how to stop it.
import type { Config } from '@stock-audit/config';
import { createDb, migrateToLatest } from '@stock-audit/db';
import {
  allEventsFilter,
  connectJetStream,
  ensureDurableConsumer,
  ensureStream,
} from '@stock-audit/jetstream';
import type { AuditTables, RowMapper } from '@stock-audit/audit-log';
import type { Logger } from 'pino';
import { buildProjectorHttp } from './http.ts';
import { createProjectorMetrics } from './metrics.ts';
import { AuditProjector, DURABLE_NAME } from './projector.ts';
import type { ProjectorSettings } from './settings.ts';

export interface RunningProjector {
  /** Port the HTTP side listens on. */
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Listen port for /health and /metrics; default config.auditProjectorPort, 0 for any. */
  port?: number;
  toRow?: RowMapper;
}

export async function startAuditProjector(
  config: Config,
  settings: ProjectorSettings,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningProjector> {
  await migrateToLatest(config.databaseUrl, { auditDbRole: config.auditDbRole });
  const nc = await connectJetStream(config.natsUrl, {
    name: 'audit-projector',
    maxReconnectAttempts: -1,
  });
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, {
    name: config.streamName,
    subjectPrefix: config.subjectPrefix,
    replicas: config.streamReplicas,
  });
  await ensureDurableConsumer(jsm, {
    stream: config.streamName,
    durableName: DURABLE_NAME,
    filterSubject: allEventsFilter(config.subjectPrefix),
    ackWaitMs: settings.ackWaitMs,
  });
  (async () => {
    for await (const status of nc.status()) {
      logger.info(
        { nats_status: status.type, data: String(status.data) },
        'NATS connection status',
      );
    }
  })().catch(() => undefined);

  const db = createDb<AuditTables>(config.databaseUrl, { max: 4 });
  const metrics = createProjectorMetrics({ defaults: true });
  const projector = new AuditProjector({
    nc,
    db,
    streamName: config.streamName,
    batchSize: settings.batchSize,
    logger,
    metrics,
    toRow: options.toRow,
  });
  const http = buildProjectorHttp({ db, nc, streamName: config.streamName, metrics, logger });
  await http.listen({ host: config.host, port: options.port ?? config.auditProjectorPort });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  projector.start();
  logger.info(
    { stream: config.streamName, durable: DURABLE_NAME, batch_size: settings.batchSize, port },
    'audit projector started',
  );

  return {
    port,
    async stop() {
      await projector.stop();
      await http.close();
      // Drain flushes the acknowledgements of the last committed batch.
      await nc.drain();
      await db.destroy();
      logger.info('audit projector stopped');
    },
  };
}
