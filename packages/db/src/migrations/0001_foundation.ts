// Projection checkpoints, and the read-only role of the audit API.
import { sql, type Kysely } from 'kysely';
import type { MigrateOptions } from '../migrate.ts';

export async function up(db: Kysely<unknown>, options: MigrateOptions): Promise<void> {
  await db.schema
    .createTable('projection_checkpoints')
    .ifNotExists()
    .addColumn('projection', 'text', (column) => column.primaryKey())
    .addColumn('last_sequence', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  // Roles are shared by every database of the server, so another database's
  // migration may have created this one already, possibly at the same moment.
  await sql`
    DO $$
    BEGIN
      CREATE ROLE ${sql.id(options.auditDbRole)} LOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END
    $$`.execute(db);
  await sql`GRANT CONNECT ON DATABASE ${sql.id(await currentDatabase(db))} TO ${sql.id(options.auditDbRole)}`.execute(
    db,
  );
  await sql`GRANT USAGE ON SCHEMA public TO ${sql.id(options.auditDbRole)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('projection_checkpoints').ifExists().execute();
}

async function currentDatabase(db: Kysely<unknown>): Promise<string> {
  const result = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db);

  return result.rows[0]!.name;
}
