// Writes one batch into an audit table in a single transaction: the rows,
// the dead letters, the duplicates, the running counts and the checkpoint.
// Every insert skips what is already stored, so a batch delivered again,
// or replayed, changes nothing.
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  addCounts,
  advanceCheckpoint,
  recordDeadLetters,
  recordDuplicates,
  resolveDeadLetters,
  type Duplicate,
} from './ledger.ts';
import { prepareBatch, type Rejection, type RowMapper, type StreamMessage } from './prepare.ts';
import { AUDIT_TABLE, type AuditTables, type NewAuditRow } from './schema.ts';

export interface ProjectBatchOptions {
  /** Table that receives the rows (default audit_log); also keys the counts and checkpoint. */
  table?: string;
  /** Whether to advance the table's checkpoint in projection_checkpoints (default true). */
  checkpoint?: boolean;
  toRow?: RowMapper;
}

/** Outcome of a committed batch, by stream sequence. */
export interface BatchOutcome {
  /** Sequences stored as new rows. */
  inserted: number[];
  /** Sequences whose row was already stored: a redelivery or a replay. */
  alreadyStored: number[];
  /** Sequences whose event id already has a row under another sequence. */
  duplicates: number[];
  /** Messages sent to the dead-letter table in this batch. */
  rejected: Rejection[];
  /** Highest sequence in the batch, 0 for an empty batch. */
  lastSequence: number;
}

// Stays well under PostgreSQL's 65,535 bind parameters at 20 columns a row.
const INSERT_CHUNK = 1000;

/**
 * Projects `messages` into `options.table` in one transaction. When the
 * database rejects a row's data (class 22 or 54 errors, such as a NUL
 * character in a JSON string), the batch runs again row by row and only
 * the rejected rows become dead letters.
 */
export async function projectBatch(
  db: Kysely<AuditTables>,
  messages: readonly StreamMessage[],
  options: ProjectBatchOptions = {},
): Promise<BatchOutcome> {
  const prepared = prepareBatch(messages, options.toRow);
  const write = (rowByRow: boolean) =>
    db.transaction().execute((trx) => writeBatch(trx, prepared, messages, options, rowByRow));
  try {
    return await write(false);
  } catch (error) {
    if (!isDataError(error)) throw error;

    return write(true);
  }
}

/** True for PostgreSQL errors about a row's data, which no retry can fix. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;

  return typeof code === 'string' && /^(22|54)|^2350[24]$/.test(code);
}

async function writeBatch(
  trx: Transaction<AuditTables>,
  prepared: ReturnType<typeof prepareBatch>,
  messages: readonly StreamMessage[],
  options: ProjectBatchOptions,
  rowByRow: boolean,
): Promise<BatchOutcome> {
  const table = options.table ?? AUDIT_TABLE;
  const rejected = [...prepared.rejections];
  const inserted = rowByRow
    ? await insertRowByRow(trx, table, prepared, rejected)
    : await insertRows(trx, table, prepared.rows);

  const handled = new Set([...inserted, ...rejected.map((entry) => entry.message.sequence)]);
  const skipped = prepared.rows.filter((row) => !handled.has(row.id));
  const { alreadyStored, duplicates, collisions } = await classifySkipped(trx, table, skipped);
  for (const row of collisions) {
    rejected.push({
      message: prepared.sources.get(row.id)!,
      reason: `Stream sequence ${row.id} already holds another event in ${table}; the stream was recreated or the table belongs to another stream`,
    });
  }
  const newDuplicates = await recordDuplicates(trx, duplicates);
  const newDeadLetters = await recordDeadLetters(trx, rejected);
  const stored = [...inserted, ...alreadyStored, ...duplicates.map((entry) => entry.sequence)];
  const resolved = await resolveDeadLetters(trx, stored);
  await addCounts(trx, table, {
    rows: inserted.length,
    duplicates: newDuplicates.length,
    openDeadLetters: newDeadLetters - resolved,
  });
  const lastSequence = Math.max(0, ...messages.map((message) => message.sequence));
  if (options.checkpoint !== false && lastSequence > 0) {
    await advanceCheckpoint(trx, table, lastSequence);
  }

  return {
    inserted,
    alreadyStored,
    duplicates: duplicates.map((duplicate) => duplicate.sequence),
    rejected,
    lastSequence,
  };
}

async function insertRows(
  trx: Transaction<AuditTables>,
  table: string,
  rows: NewAuditRow[],
): Promise<number[]> {
  const inserted: number[] = [];
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const result = await trx
      .insertInto(table as typeof AUDIT_TABLE)
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((conflict) => conflict.doNothing())
      .returning('id')
      .execute();
    inserted.push(...result.map((row) => row.id));
  }

  return inserted;
}

async function insertRowByRow(
  trx: Transaction<AuditTables>,
  table: string,
  prepared: ReturnType<typeof prepareBatch>,
  rejected: Rejection[],
): Promise<number[]> {
  const inserted: number[] = [];
  for (const row of prepared.rows) {
    await sql`SAVEPOINT audit_row`.execute(trx);
    try {
      inserted.push(...(await insertRows(trx, table, [row])));
      await sql`RELEASE SAVEPOINT audit_row`.execute(trx);
    } catch (error) {
      if (!isDataError(error)) throw error;
      await sql`ROLLBACK TO SAVEPOINT audit_row`.execute(trx);
      rejected.push({
        message: prepared.sources.get(row.id)!,
        reason: `The database rejected the row: ${(error as Error).message}`,
      });
    }
  }

  return inserted;
}

/**
 * Sorts rows that were not inserted into redeliveries (same sequence
 * already stored), duplicates (event id stored under another sequence) and
 * collisions (sequence taken by a different event).
 */
async function classifySkipped(
  trx: Transaction<AuditTables>,
  table: string,
  skipped: NewAuditRow[],
) {
  const alreadyStored: number[] = [];
  const duplicates: Duplicate[] = [];
  const collisions: NewAuditRow[] = [];
  if (skipped.length === 0) return { alreadyStored, duplicates, collisions };

  const stored = await trx
    .selectFrom(table as typeof AUDIT_TABLE)
    .select(['id', 'event_id'])
    .where('event_id', 'in', [...new Set(skipped.map((row) => row.event_id))])
    .execute();
  const sequenceByEventId = new Map(stored.map((row) => [row.event_id, row.id]));
  for (const row of skipped) {
    const storedSequence = sequenceByEventId.get(row.event_id);
    if (storedSequence === row.id) alreadyStored.push(row.id);
    else if (storedSequence !== undefined) {
      duplicates.push({
        sequence: row.id,
        eventId: row.event_id,
        originalSequence: storedSequence,
      });
    } else collisions.push(row);
  }

  return { alreadyStored, duplicates, collisions };
}
