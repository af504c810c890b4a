// Completeness of the audit projection: every stream sequence up to the
// checkpoint must be a row, a recorded duplicate or an open dead letter.
import type { Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';
import { AUDIT_TABLE, type AuditTables } from '@stock-audit/audit-log';

export interface Progress {
  /** Highest stream sequence committed (the checkpoint). */
  projectedThrough: number;
  rows: number;
  duplicates: number;
  openDeadLetters: number;
  streamFirstSequence: number;
  streamLastSequence: number;
  /** Stream messages from the stream's first sequence through the checkpoint. */
  eventsSeen: number;
  /** eventsSeen minus rows, duplicates and open dead letters; 0 when nothing is missing. */
  missing: number;
  /** Stream messages after the checkpoint. */
  pending: number;
}

/** Reads the checkpoint and counts from the database and the stream's bounds from NATS. */
export async function readProgress(
  db: Kysely<AuditTables>,
  jsm: JetStreamManager,
  streamName: string,
): Promise<Progress> {
  const [checkpoint, counts, stream] = await Promise.all([
    db
      .selectFrom('projection_checkpoints')
      .select('last_sequence')
      .where('projection', '=', AUDIT_TABLE)
      .executeTakeFirst(),
    db
      .selectFrom('audit_projection_counts')
      .select(['rows', 'duplicates', 'open_dead_letters'])
      .where('projection', '=', AUDIT_TABLE)
      .executeTakeFirst(),
    jsm.streams.info(streamName),
  ]);
  const projectedThrough = Number(checkpoint?.last_sequence ?? 0);
  const rows = Number(counts?.rows ?? 0);
  const duplicates = Number(counts?.duplicates ?? 0);
  const openDeadLetters = Number(counts?.open_dead_letters ?? 0);
  const first = stream.state.first_seq;
  const last = stream.state.last_seq;
  const eventsSeen = projectedThrough >= first ? projectedThrough - first + 1 : 0;

  return {
    projectedThrough,
    rows,
    duplicates,
    openDeadLetters,
    streamFirstSequence: first,
    streamLastSequence: last,
    eventsSeen,
    missing: eventsSeen - rows - duplicates - openDeadLetters,
    pending: Math.max(0, last - projectedThrough),
  };
}

/** The CLI command that lists open dead letters, run from the repository root. */
export const LIST_DEAD_LETTERS_COMMAND =
  'npx tsx services/audit-projector/src/cli.ts dead-letters list';

/**
 * Lists what makes the projection unhealthy, one sentence each: open dead
 * letters and stream messages not accounted for. Empty when healthy.
 */
export function findProblems(progress: Progress): string[] {
  const problems: string[] = [];
  const open = progress.openDeadLetters;
  if (open > 0) {
    const noun = open === 1 ? 'dead letter' : 'dead letters';
    problems.push(`${open} open ${noun}; list them with ${LIST_DEAD_LETTERS_COMMAND}`);
  }
  if (progress.missing > 0) {
    problems.push(`${progress.missing} stream messages are missing from audit_log`);
  }
  if (progress.missing < 0) {
    problems.push('the counts exceed the stream messages seen; run status --recount');
  }

  return problems;
}

/**
 * One line for operators, such as "projected through stream sequence 120;
 * rows = events seen (118 rows + 0 duplicates + 2 dead letters = 120
 * events); no gaps; 0 pending".
 */
export function formatProgress(progress: Progress): string {
  const accounted = `${progress.rows} rows + ${progress.duplicates} duplicates + ${progress.openDeadLetters} dead letters`;
  const balance =
    progress.missing === 0
      ? `rows = events seen (${accounted} = ${progress.eventsSeen} events); no gaps`
      : progress.missing > 0
        ? `rows < events seen (${accounted} < ${progress.eventsSeen} events); ${progress.missing} missing`
        : `rows > events seen (${accounted} > ${progress.eventsSeen} events); the stream was purged or the counts are off, run status --recount`;

  return `projected through stream sequence ${progress.projectedThrough}; ${balance}; ${progress.pending} pending`;
}
