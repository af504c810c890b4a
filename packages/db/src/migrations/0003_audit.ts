// The audit read model: one `audit_log` row per event (id = stream sequence),
// the dead letters and duplicates the projector sets aside, its running
// counts, and SELECT on `audit_log` alone for the audit API's role.
import { sql, type Kysely } from 'kysely';
import type { MigrateOptions } from '../migrate.ts';

export async function up(db: Kysely<unknown>, options: MigrateOptions): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS audit_log (
      id bigint PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      event_type text NOT NULL,
      schema_version integer NOT NULL,
      user_id text,
      username text,
      user_role text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      description text NOT NULL,
      "timestamp" timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('success', 'error')),
      error jsonb,
      old_value jsonb,
      new_value jsonb,
      ip_address text,
      subject text NOT NULL,
      correlation_id text,
      causation_id text,
      projected_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Every list is ordered by ("timestamp" DESC, id DESC), so each filter the
  // API offers has an index that ends in those two columns: the database
  // walks it in order and stops after one page. The INCLUDE columns let the
  // count of a user's or a status's records under further filters be an
  // index-only scan (measured in docs/audit-query-plans.md).
  const indexes: [name: string, columns: string, include?: string][] = [
    ['audit_log_timestamp_idx', '"timestamp" DESC, id DESC'],
    ['audit_log_user_idx', 'user_id, "timestamp" DESC, id DESC', 'action, status, entity_type'],
    ['audit_log_entity_idx', 'entity_type, entity_id, "timestamp", id'],
    ['audit_log_entity_type_idx', 'entity_type, "timestamp" DESC, id DESC'],
    ['audit_log_action_idx', 'action, "timestamp" DESC, id DESC'],
    ['audit_log_status_idx', 'status, "timestamp" DESC, id DESC', 'action, entity_type, user_id'],
  ];
  for (const [name, columns, include] of indexes) {
    const covering = include ? ` INCLUDE (${include})` : '';
    await sql
      .raw(`CREATE INDEX IF NOT EXISTS ${name} ON audit_log (${columns})${covering}`)
      .execute(db);
  }

  await sql`
    CREATE TABLE IF NOT EXISTS audit_dead_letters (
      stream_sequence bigint PRIMARY KEY,
      subject text NOT NULL,
      msg_id text,
      data bytea NOT NULL,
      reason text NOT NULL,
      attempts integer NOT NULL DEFAULT 1,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_failed_at timestamptz NOT NULL DEFAULT now(),
      redriven_at timestamptz
    )`.execute(db);
  await sql`
    CREATE INDEX IF NOT EXISTS audit_dead_letters_open_idx
    ON audit_dead_letters (stream_sequence) WHERE redriven_at IS NULL`.execute(db);

  // A message whose event id already has a row under another stream
  // sequence (published again with a different Nats-Msg-Id). Recording it
  // lets the projector account for every stream sequence.
  await sql`
    CREATE TABLE IF NOT EXISTS audit_duplicate_events (
      stream_sequence bigint PRIMARY KEY,
      event_id uuid NOT NULL,
      original_sequence bigint NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Running counts kept in the projector's transactions, so completeness
  // checks need no count(*) over audit_log.
  await sql`
    CREATE TABLE IF NOT EXISTS audit_projection_counts (
      projection text PRIMARY KEY,
      rows bigint NOT NULL DEFAULT 0,
      duplicates bigint NOT NULL DEFAULT 0,
      open_dead_letters bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Grants belong to the table, not its name: a rebuilt table swapped in
  // under this name needs the same GRANT again (swapAuditTable does it).
  await sql`GRANT SELECT ON audit_log TO ${sql.id(options.auditDbRole)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_projection_counts',
    'audit_duplicate_events',
    'audit_dead_letters',
    'audit_log',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
