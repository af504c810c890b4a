// Entry point of the audit query API: serves audit_log over HTTP with the
// read-only database role, checking tokens against the users' current state
// on the stream, until SIGINT or SIGTERM.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loadConfig } from '@stock-audit/config';
import { createDb } from '@stock-audit/db';
import type { AuditTables } from '@stock-audit/audit-log';
import { connectJetStream, ensureStream } from '@stock-audit/jetstream';
import { loggerOptions, readPem } from '@stock-audit/service-kit';
import { AccountView } from './accounts.ts';
import { buildAuditApp } from './app.ts';

/** How long to wait for the command API to create the key pair on a first start. */
const PUBLIC_KEY_WAIT_MS = 60_000;

const config = loadConfig();
const logger = pino(loggerOptions('audit-api', config.logLevel));

async function waitForPublicKey(file: string): Promise<string> {
  const deadline = Date.now() + PUBLIC_KEY_WAIT_MS;
  let logged = false;
  while (!existsSync(file) && Date.now() < deadline) {
    if (!logged) logger.info({ file }, 'waiting for the JWT public key from the command API');
    logged = true;
    await sleep(500);
  }

  return readPem(file, 'public');
}

try {
  const publicKey = await waitForPublicKey(config.jwtPublicKeyFile);
  const nc = await connectJetStream(config.natsUrl, { name: 'audit-api' });
  await ensureStream(await nc.jetstreamManager(), {
    name: config.streamName,
    subjectPrefix: config.subjectPrefix,
    replicas: config.streamReplicas,
  });
  const accounts = new AccountView(nc.jetstream(), {
    stream: config.streamName,
    subjectPrefix: config.subjectPrefix,
    logger,
  });
  await accounts.start();
  const db = createDb<AuditTables>(config.auditDatabaseUrl, { max: 10 });
  const app = await buildAuditApp({
    db,
    publicKey,
    accounts,
    logger,
    trustProxy: config.trustProxy,
    processMetrics: true,
  });
  app.addHook('onClose', async () => {
    await accounts.stop();
    await nc.drain();
    await db.destroy();
  });
  await app.listen({ host: config.host, port: config.auditPort });

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping audit API');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'audit API did not stop cleanly');
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  logger.fatal({ err: error }, 'audit API failed to start');
  process.exit(1);
}
