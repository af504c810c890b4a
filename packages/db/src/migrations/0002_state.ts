// The command side's tables: the state read model (products, sales, users,
// applications) that the state projector rebuilds from the stream, and the
// tables the stream never sees: credentials, password reset codes, id
// sequences and idempotency records.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Entity ids come from one sequence per entity type. An application is
  // identified by its user's id, so it has no sequence of its own.
  for (const name of ['product_id_seq', 'sale_id_seq', 'user_id_seq']) {
    await sql`CREATE SEQUENCE IF NOT EXISTS ${sql.id(name)} AS bigint START 1`.execute(db);
  }

  // Each read-model row keeps the entity's full state as of `last_sequence`,
  // the stream sequence of the last event applied to it; an event with a
  // lower or equal sequence is a no-op. The other columns are copies of
  // fields of `state` for filtering and lookups.
  await db.schema
    .createTable('products')
    .ifNotExists()
    .addColumn('id', 'bigint', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('price', sql`numeric(14, 2)`, (column) => column.notNull())
    .addColumn('quantity', 'integer', (column) => column.notNull())
    .addColumn('min_quantity', 'integer', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('state', 'jsonb', (column) => column.notNull())
    .addColumn('last_sequence', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('products_status_idx')
    .ifNotExists()
    .on('products')
    .columns(['status', 'id'])
    .execute();

  await db.schema
    .createTable('sales')
    .ifNotExists()
    .addColumn('id', 'bigint', (column) => column.primaryKey())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('total_price', sql`numeric(14, 2)`, (column) => column.notNull())
    .addColumn('created_by', 'bigint')
    .addColumn('state', 'jsonb', (column) => column.notNull())
    .addColumn('last_sequence', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('sales_created_by_idx')
    .ifNotExists()
    .on('sales')
    .columns(['created_by', 'id'])
    .execute();

  // No unique constraints here: uniqueness of user names and emails is
  // enforced by `credentials`, and a replay must never fail on a constraint.
  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'bigint', (column) => column.primaryKey())
    .addColumn('username', 'text', (column) => column.notNull())
    .addColumn('email', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('state', 'jsonb', (column) => column.notNull())
    .addColumn('last_sequence', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('applications')
    .ifNotExists()
    .addColumn('user_id', 'bigint', (column) => column.primaryKey())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('state', 'jsonb', (column) => column.notNull())
    .addColumn('last_sequence', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('applications_status_idx')
    .ifNotExists()
    .on('applications')
    .columns(['status', 'user_id'])
    .execute();

  // Password hashes, with the lowercased user name and email that make both
  // unique. A row is written in the same transaction as the event append.
  await db.schema
    .createTable('credentials')
    .ifNotExists()
    .addColumn('user_id', 'bigint', (column) => column.primaryKey())
    .addColumn('username_key', 'text', (column) => column.notNull().unique())
    .addColumn('email_key', 'text', (column) => column.notNull().unique())
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  // At most one live reset code per user, stored only as a hash.
  await db.schema
    .createTable('password_reset_codes')
    .ifNotExists()
    .addColumn('user_id', 'bigint', (column) => column.primaryKey())
    .addColumn('code_hash', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per Idempotency-Key and scope (action and actor). `created_at`
  // seeds the derived event ids; `locked_at` is set while a request runs.
  await db.schema
    .createTable('idempotency_records')
    .ifNotExists()
    .addColumn('scope', 'text', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('request_hash', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('locked_at', 'timestamptz')
    .addColumn('status_code', 'integer')
    .addColumn('response', 'jsonb')
    .addPrimaryKeyConstraint('idempotency_records_pkey', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_records_created_at_idx')
    .ifNotExists()
    .on('idempotency_records')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'idempotency_records',
    'password_reset_codes',
    'credentials',
    'applications',
    'users',
    'sales',
    'products',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const name of ['product_id_seq', 'sale_id_seq', 'user_id_seq']) {
    await sql`DROP SEQUENCE IF EXISTS ${sql.id(name)}`.execute(db);
  }
}
