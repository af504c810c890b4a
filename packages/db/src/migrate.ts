import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { createDb, ensureDatabase } from './connect.ts';

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Settings that migrations need beyond the database itself. */
export interface MigrateOptions {
  /** Role that may only read `audit_log`; created when missing. */
  auditDbRole: string;
}

/**
 * A migration module under `migrations/`: files run in name order, and each
 * exports `up(db, options)` and optionally `down(db, options)`.
 */
export interface MigrationModule {
  up(db: Kysely<unknown>, options: MigrateOptions): Promise<void>;
  down?(db: Kysely<unknown>, options: MigrateOptions): Promise<void>;
}

// Kysely's FileMigrationProvider passes only `db`; this one also passes the options.
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly options: MigrateOptions) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(migrationFolder))
      .filter((file) => /^\d{4}_.*\.ts$/.test(file))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(
        pathToFileURL(path.join(migrationFolder, file)).href
      )) as MigrationModule;
      const down = module.down;
      migrations[file.replace(/\.ts$/, '')] = {
        up: (db) => module.up(db, this.options),
        down: down ? (db) => down(db, this.options) : undefined,
      };
    }

    return migrations;
  }
}

/** Raised when a migration fails; `migration` names it. */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';

  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

function createMigrator(db: Kysely<unknown>, options: MigrateOptions): Migrator {
  return new Migrator({ db, provider: new FolderMigrationProvider(options) });
}

/**
 * Creates the database if missing and applies every pending migration.
 * Safe to run again: a second run applies nothing. Returns the names applied.
 */
export async function migrateToLatest(
  databaseUrl: string,
  options: MigrateOptions,
): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const db = createDb<unknown>(databaseUrl, { max: 1 });
  try {
    const { error, results } = await createMigrator(db, options).migrateToLatest();
    if (error) {
      const failed = results?.find((result) => result.status === 'Error');
      throw new MigrationError(failed?.migrationName, error);
    }

    return (results ?? [])
      .filter((result) => result.status === 'Success')
      .map((result) => result.migrationName);
  } finally {
    await db.destroy();
  }
}

/** Lists migrations with whether each has been applied. */
export async function listMigrations(
  databaseUrl: string,
  options: MigrateOptions,
): Promise<{ name: string; executedAt?: Date }[]> {
  const db = createDb<unknown>(databaseUrl, { max: 1 });
  try {
    const migrations = await createMigrator(db, options).getMigrations();

    return migrations.map((migration) => ({
      name: migration.name,
      executedAt: migration.executedAt,
    }));
  } finally {
    await db.destroy();
  }
}
