// Operator actions on audit_dead_letters: list them, and project them
// again after a fix, from the original bytes kept in the table.
import type { Kysely } from 'kysely';
import {
  projectBatch,
  type AuditTables,
  type RowMapper,
  type StreamMessage,
} from '@stock-audit/audit-log';

export interface DeadLetterSummary {
  sequence: number;
  subject: string;
  msgId: string | null;
  reason: string;
  attempts: number;
  firstSeenAt: Date;
  redrivenAt: Date | null;
}

/** Lists dead letters by stream sequence; only open ones unless `all`. */
export async function listDeadLetters(
  db: Kysely<AuditTables>,
  options: { all?: boolean; limit?: number } = {},
): Promise<DeadLetterSummary[]> {
  let query = db
    .selectFrom('audit_dead_letters')
    .select([
      'stream_sequence',
      'subject',
      'msg_id',
      'reason',
      'attempts',
      'first_seen_at',
      'redriven_at',
    ])
    .orderBy('stream_sequence')
    .limit(options.limit ?? 100);
  if (!options.all) query = query.where('redriven_at', 'is', null);
  const rows = await query.execute();

  return rows.map((row) => ({
    sequence: row.stream_sequence,
    subject: row.subject,
    msgId: row.msg_id,
    reason: row.reason,
    attempts: row.attempts,
    firstSeenAt: row.first_seen_at,
    redrivenAt: row.redriven_at,
  }));
}

export interface RedriveResult {
  /** Sequences now stored (as a row or a recorded duplicate). */
  redriven: number[];
  /** Sequences that failed again, with the new reason. */
  failed: { sequence: number; reason: string }[];
}

const REDRIVE_BATCH = 100;

/**
 * Projects open dead letters again (one sequence, or all) with the current
 * code. A success marks the dead letter redriven; a failure counts one
 * more attempt and keeps the newest reason.
 */
export async function redriveDeadLetters(
  db: Kysely<AuditTables>,
  options: { sequence?: number; toRow?: RowMapper } = {},
): Promise<RedriveResult> {
  const result: RedriveResult = { redriven: [], failed: [] };
  let after = 0;
  for (;;) {
    let query = db
      .selectFrom('audit_dead_letters')
      .select(['stream_sequence', 'subject', 'msg_id', 'data'])
      .where('redriven_at', 'is', null)
      .where('stream_sequence', '>', after)
      .orderBy('stream_sequence')
      .limit(REDRIVE_BATCH);
    if (options.sequence !== undefined) {
      query = query.where('stream_sequence', '=', options.sequence);
    }
    const letters = await query.execute();
    if (letters.length === 0) return result;

    const messages: StreamMessage[] = letters.map((letter) => ({
      sequence: letter.stream_sequence,
      subject: letter.subject,
      msgId: letter.msg_id,
      data: letter.data,
    }));
    const outcome = await projectBatch(db, messages, { checkpoint: false, toRow: options.toRow });
    result.redriven.push(...outcome.inserted, ...outcome.duplicates, ...outcome.alreadyStored);
    result.failed.push(
      ...outcome.rejected.map(({ message, reason }) => ({ sequence: message.sequence, reason })),
    );
    after = letters.at(-1)!.stream_sequence;
  }
}
