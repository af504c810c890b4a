// Bookkeeping that accompanies a batch's rows in the same transaction: the
// duplicates and dead letters by stream sequence, the running counts, and
// the checkpoint.
import { sql, type Transaction } from 'kysely';
import type { Rejection } from './prepare.ts';
import type { AuditTables } from './schema.ts';

/** A message whose event id is already stored under another stream sequence. */
export interface Duplicate {
  sequence: number;
  eventId: string;
  originalSequence: number;
}

/** Records duplicates not seen before and returns their sequences. */
export async function recordDuplicates(
  trx: Transaction<AuditTables>,
  duplicates: Duplicate[],
): Promise<number[]> {
  if (duplicates.length === 0) return [];
  const result = await trx
    .insertInto('audit_duplicate_events')
    .values(
      duplicates.map((duplicate) => ({
        stream_sequence: duplicate.sequence,
        event_id: duplicate.eventId,
        original_sequence: duplicate.originalSequence,
      })),
    )
    .onConflict((conflict) => conflict.column('stream_sequence').doNothing())
    .returning('stream_sequence')
    .execute();

  return result.map((row) => row.stream_sequence);
}

/**
 * Stores each rejection, or counts one more attempt on an open dead letter
 * of the same sequence. Returns how many dead letters are new.
 */
export async function recordDeadLetters(
  trx: Transaction<AuditTables>,
  rejected: Rejection[],
): Promise<number> {
  if (rejected.length === 0) return 0;
  const bySequence = new Map(rejected.map((entry) => [entry.message.sequence, entry]));
  const result = await trx
    .insertInto('audit_dead_letters')
    .values(
      [...bySequence.values()].map(({ message, reason }) => ({
        stream_sequence: message.sequence,
        subject: message.subject,
        msg_id: message.msgId,
        data: message.data,
        reason,
        redriven_at: null,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .column('stream_sequence')
        .doUpdateSet((eb) => ({
          attempts: sql`${eb.ref('audit_dead_letters.attempts')} + 1`,
          last_failed_at: sql`now()`,
          reason: eb.ref('excluded.reason'),
        }))
        .where('audit_dead_letters.redriven_at', 'is', null),
    )
    .returning(sql<boolean>`xmax = 0`.as('created'))
    .execute();

  return result.filter((row) => row.created).length;
}

/** Marks open dead letters of these sequences as redriven; returns how many. */
export async function resolveDeadLetters(
  trx: Transaction<AuditTables>,
  sequences: number[],
): Promise<number> {
  if (sequences.length === 0) return 0;
  const result = await trx
    .updateTable('audit_dead_letters')
    .set({ redriven_at: sql`now()` })
    .where('stream_sequence', 'in', sequences)
    .where('redriven_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows);
}

export async function addCounts(
  trx: Transaction<AuditTables>,
  projection: string,
  delta: { rows: number; duplicates: number; openDeadLetters: number },
): Promise<void> {
  if (delta.rows === 0 && delta.duplicates === 0 && delta.openDeadLetters === 0) return;
  await trx
    .insertInto('audit_projection_counts')
    .values({
      projection,
      rows: delta.rows,
      duplicates: delta.duplicates,
      open_dead_letters: delta.openDeadLetters,
    })
    .onConflict((conflict) =>
      conflict.column('projection').doUpdateSet((eb) => ({
        rows: sql`${eb.ref('audit_projection_counts.rows')} + ${delta.rows}`,
        duplicates: sql`${eb.ref('audit_projection_counts.duplicates')} + ${delta.duplicates}`,
        open_dead_letters: sql`${eb.ref('audit_projection_counts.open_dead_letters')} + ${delta.openDeadLetters}`,
        updated_at: sql`now()`,
      })),
    )
    .execute();
}

/** Moves the checkpoint forward only: batches of several instances commit out of order. */
export async function advanceCheckpoint(
  trx: Transaction<AuditTables>,
  projection: string,
  sequence: number,
): Promise<void> {
  await trx
    .insertInto('projection_checkpoints')
    .values({ projection, last_sequence: sequence })
    .onConflict((conflict) =>
      conflict.column('projection').doUpdateSet({
        last_sequence: sql`GREATEST(projection_checkpoints.last_sequence, excluded.last_sequence)`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}
