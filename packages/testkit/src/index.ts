// Test isolation: each test file gets its own database, stream and subject
// prefix on the machine's real PostgreSQL and NATS, removed on teardown.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { loadConfig, type Config } from '@stock-audit/config';
import {
  createDb,
  dropDatabase,
  migrateToLatest,
  withDatabase,
  type CoreTables,
} from '@stock-audit/db';
import { connectJetStream, ensureStream } from '@stock-audit/jetstream';

/** The subset of a tap test that the harness needs. */
export interface Teardownable {
  teardown(fn: () => unknown): void;
}

export interface TestContext<Tables = CoreTables> {
  /** Configuration pointing at this test's database, stream and prefix. */
  config: Config;
  /** Environment variables that give a child process the same isolation. */
  env: Record<string, string>;
  db: Kysely<Tables>;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  streamName: string;
  subjectPrefix: string;
}

export interface TestContextOptions {
  /** Extra variables for the configuration, such as ports. */
  env?: Record<string, string>;
  /** Skip migrations for tests of the migrations themselves. */
  migrate?: boolean;
  /** Skip stream creation for tests of stream setup. */
  createStream?: boolean;
}

/** Returns a short random lowercase id for database, stream and prefix names. */
export function uniqueId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Creates a fresh database (migrated) and a fresh stream with its own subject
 * prefix, and registers their removal on `t`'s teardown.
 */
export async function createTestContext<Tables = CoreTables>(
  t: Teardownable,
  options: TestContextOptions = {},
): Promise<TestContext<Tables>> {
  const base = loadConfig();
  const id = uniqueId();
  const env: Record<string, string> = {
    DATABASE_URL: withDatabase(base.databaseUrl, `sa_test_${id}`),
    NATS_URL: base.natsUrl,
    STREAM_NAME: `TEST_${id.toUpperCase()}`,
    SUBJECT_PREFIX: `t${id}`,
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const config = loadConfig({ ...process.env, ...env });

  if (options.migrate !== false) {
    await migrateToLatest(config.databaseUrl, { auditDbRole: config.auditDbRole });
  }
  const db = createDb<Tables>(config.databaseUrl, { max: 5 });
  const nc = await connectJetStream(config.natsUrl);
  const jsm = await nc.jetstreamManager();
  if (options.createStream !== false) {
    await ensureStream(jsm, { name: config.streamName, subjectPrefix: config.subjectPrefix });
  }

  t.teardown(async () => {
    await jsm.streams.delete(config.streamName).catch(() => undefined);
    await nc.close();
    await db.destroy();
    await dropDatabase(config.databaseUrl);
  });

  return {
    config,
    env,
    db,
    nc,
    js: nc.jetstream(),
    jsm,
    streamName: config.streamName,
    subjectPrefix: config.subjectPrefix,
  };
}
