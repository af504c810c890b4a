// Applies pending database migrations, creating the database when missing.
import { loadConfig, ConfigError } from '@stock-audit/config';
import { migrateToLatest } from '@stock-audit/db';

try {
  const config = loadConfig();
  const applied = await migrateToLatest(config.databaseUrl, { auditDbRole: config.auditDbRole });
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `migrate: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
