// Everything the services need before they start: servers, database schema,
// signing keys and the event stream. Each step is idempotent.
import type { Config } from '@stock-audit/config';
import { migrateToLatest } from '@stock-audit/db';
import { connectJetStream, ensureStream } from '@stock-audit/jetstream';
import { ensureJwtKeyPair } from '@stock-audit/service-kit';
import { ensureInfrastructure } from './infra.ts';

export async function bootstrap(config: Config, log: (line: string) => void): Promise<void> {
  const infra = await ensureInfrastructure(config, { autostart: true, log });
  log(`PostgreSQL ${infra.postgres}, NATS with JetStream ${infra.nats}`);

  const applied = await migrateToLatest(config.databaseUrl, { auditDbRole: config.auditDbRole });
  log(
    applied.length > 0
      ? `migrations applied: ${applied.join(', ')}`
      : 'database schema is up to date',
  );

  if (
    ensureJwtKeyPair({
      privateKeyFile: config.jwtPrivateKeyFile,
      publicKeyFile: config.jwtPublicKeyFile,
    })
  ) {
    log(`generated a JWT key pair in ${config.jwtPrivateKeyFile} and ${config.jwtPublicKeyFile}`);
  }

  const nc = await connectJetStream(config.natsUrl);
  try {
    const info = await ensureStream(await nc.jetstreamManager(), {
      name: config.streamName,
      subjectPrefix: config.subjectPrefix,
      replicas: config.streamReplicas,
    });
    log(
      `stream ${info.config.name} ready with ${info.state.messages} events on ${info.config.subjects.join(', ')}`,
    );
  } finally {
    await nc.close();
  }
}
