// Database access: Kysely over pg, database creation and migrations.
export { createDb, ensureDatabase, dropDatabase, databaseName, withDatabase } from './connect.ts';
export { migrateToLatest, listMigrations, MigrationError } from './migrate.ts';
export type { MigrateOptions, MigrationModule } from './migrate.ts';
export type { CoreTables, ProjectionCheckpointsTable } from './schema.ts';
