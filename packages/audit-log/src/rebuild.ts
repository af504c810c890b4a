// Rebuilding audit_log into a fresh table and swapping it in. The API keeps
// reading the old table until the swap, which takes an instant.
import { sql, type Kysely } from 'kysely';
import { AUDIT_TABLE, type AuditTables } from './schema.ts';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkTableName(name: string): void {
  if (!TABLE_NAME.test(name) || name === AUDIT_TABLE) {
    throw new Error(
      `Invalid rebuild table name "${name}": use lowercase letters, digits and "_", not "${AUDIT_TABLE}"`,
    );
  }
}

/**
 * Creates an empty table with audit_log's columns, constraints and indexes,
 * for projectBatch(db, messages, { table: name }) to fill from the stream.
 */
export async function createRebuildTable(db: Kysely<AuditTables>, name: string): Promise<void> {
  checkTableName(name);
  await sql`CREATE TABLE ${sql.id(name)} (LIKE audit_log INCLUDING ALL)`.execute(db);
}

export interface SwapOptions {
  /** The read-only role of the audit API, which must keep SELECT on audit_log. */
  auditDbRole: string;
  /** New name of the replaced table, kept for comparison or rollback. */
  retiredName: string;
}

export interface SwapResult {
  /** Rows the live projector stored after the rebuild's last one, copied across. */
  copiedRows: number;
  rows: number;
}

/**
 * Swaps `rebuilt` in as audit_log in one transaction: locks audit_log (the
 * projector and the API wait, they do not fail), copies the rows the live
 * projector added since the rebuild ended, renames both tables, grants
 * SELECT on the new audit_log to the API role and revokes it on the
 * retired one (grants follow the table, not the name), and recounts.
 */
export async function swapAuditTable(
  db: Kysely<AuditTables>,
  rebuilt: string,
  options: SwapOptions,
): Promise<SwapResult> {
  checkTableName(rebuilt);
  checkTableName(options.retiredName);

  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE`.execute(trx);
    const copied = await sql`
      INSERT INTO ${sql.id(rebuilt)}
      SELECT * FROM audit_log
      WHERE id > (SELECT coalesce(max(id), 0) FROM ${sql.id(rebuilt)})
      ON CONFLICT DO NOTHING`.execute(trx);
    await sql`ALTER TABLE audit_log RENAME TO ${sql.id(options.retiredName)}`.execute(trx);
    await sql`ALTER TABLE ${sql.id(rebuilt)} RENAME TO audit_log`.execute(trx);
    await sql`GRANT SELECT ON audit_log TO ${sql.id(options.auditDbRole)}`.execute(trx);
    await sql`REVOKE ALL ON ${sql.id(options.retiredName)} FROM ${sql.id(options.auditDbRole)}`.execute(
      trx,
    );
    const rows = await recountAuditLog(trx);
    await trx.deleteFrom('audit_projection_counts').where('projection', '=', rebuilt).execute();
    await trx.deleteFrom('projection_checkpoints').where('projection', '=', rebuilt).execute();

    return { copiedRows: Number(copied.numAffectedRows ?? 0), rows };
  });
}

/**
 * Replaces audit_log's running counts with exact ones and moves its
 * checkpoint up to its highest row. Returns the row count.
 */
export async function recountAuditLog(db: Kysely<AuditTables>): Promise<number> {
  const { rows, maxId } = await db
    .selectFrom('audit_log')
    .select((eb) => [
      eb.fn.countAll<number>().as('rows'),
      eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('maxId'),
    ])
    .executeTakeFirstOrThrow();
  const { duplicates } = await db
    .selectFrom('audit_duplicate_events')
    .select((eb) => eb.fn.countAll<number>().as('duplicates'))
    .executeTakeFirstOrThrow();
  const { open } = await db
    .selectFrom('audit_dead_letters')
    .where('redriven_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('open'))
    .executeTakeFirstOrThrow();
  const counts = {
    rows: Number(rows),
    duplicates: Number(duplicates),
    open_dead_letters: Number(open),
  };
  await db
    .insertInto('audit_projection_counts')
    .values({ projection: AUDIT_TABLE, ...counts })
    .onConflict((conflict) =>
      conflict.column('projection').doUpdateSet({ ...counts, updated_at: sql`now()` }),
    )
    .execute();
  await db
    .insertInto('projection_checkpoints')
    .values({ projection: AUDIT_TABLE, last_sequence: Number(maxId) })
    .onConflict((conflict) =>
      conflict.column('projection').doUpdateSet({
        last_sequence: sql`GREATEST(projection_checkpoints.last_sequence, excluded.last_sequence)`,
        updated_at: sql`now()`,
      }),
    )
    .execute();

  return counts.rows;
}
