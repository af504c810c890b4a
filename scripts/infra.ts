// Checks PostgreSQL and NATS with JetStream at the configured URLs and starts
// private servers under .data/ when they do not answer.
// Usage: npm run infra [-- --check-only]
import { ConfigError, loadConfig } from '@stock-audit/config';
import { ensureInfrastructure, InfrastructureError } from './lib/infra.ts';

const checkOnly = process.argv.includes('--check-only');

try {
  const config = loadConfig();
  const status = await ensureInfrastructure(config, { autostart: !checkOnly, log: console.log });
  console.log(`PostgreSQL: ${status.postgres}; NATS with JetStream: ${status.nats}`);
} catch (error) {
  if (error instanceof ConfigError || error instanceof InfrastructureError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
