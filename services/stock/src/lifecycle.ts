// Start-up and shutdown steps both processes share: configuration, stream,
// consumer and migrations ensured idempotently, and a clean stop on SIGINT
// or SIGTERM.
import { pino, type Logger } from 'pino';
import type { NatsConnection } from 'nats';
import { ConfigError, loadConfig, type Config } from '@stock-audit/config';
import { createDb, migrateToLatest } from '@stock-audit/db';
import { connectJetStream, ensureStream } from '@stock-audit/jetstream';
import { loggerOptions } from '@stock-audit/service-kit';
import type { Kysely } from 'kysely';
import { ensureStateConsumer } from './projector/state-projector.ts';
import type { StockTables } from './tables.ts';

export interface Infrastructure {
  config: Config;
  log: Logger;
  db: Kysely<StockTables>;
  nc: NatsConnection;
}

/** Loads the configuration or exits naming every malformed variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Applies migrations, connects, and ensures the stream and the state consumer. */
export async function prepareInfrastructure(
  service: string,
  config: Config,
): Promise<Infrastructure> {
  const log = pino(loggerOptions(service, config.logLevel));
  const applied = await migrateToLatest(config.databaseUrl, { auditDbRole: config.auditDbRole });
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');

  const nc = await connectJetStream(config.natsUrl, { name: service });
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, {
    name: config.streamName,
    subjectPrefix: config.subjectPrefix,
    replicas: config.streamReplicas,
  });
  await ensureStateConsumer(jsm, config);
  const db = createDb<StockTables>(config.databaseUrl);

  return { config, log, db, nc };
}

/**
 * Runs `stop` on the first SIGINT or SIGTERM, then drains NATS and closes the
 * database pool. A second signal exits at once.
 */
export function stopOnSignals(infrastructure: Infrastructure, stop: () => Promise<void>): void {
  const { log, nc, db } = infrastructure;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      await stop();
      await nc.drain();
      await db.destroy();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'unclean stop');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
