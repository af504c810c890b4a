// Rebuild of audit_log from the stream: project every event into a fresh
// table while the API keeps reading the live one, verify the new table
// against the stream, report how it differs from the live table, then swap.
import { sql, type Kysely } from 'kysely';
import type { NatsConnection } from 'nats';
import {
  AUDIT_TABLE,
  createRebuildTable,
  projectBatch,
  swapAuditTable,
  type AuditTables,
} from '@stock-audit/audit-log';
import { allEventsFilter } from '@stock-audit/jetstream';
import { SequenceChecksum } from './checksum.ts';
import { payloadEventId, toStreamMessage } from './messages.ts';
import { checkpointOf, readUntilCaughtUp, timeSuffix } from './catch-up.ts';
import { readBatches } from './stream-reader.ts';

/** Default name of the table a replay fills; a resumed replay finds it again. */
export const REBUILD_TABLE = 'audit_log_rebuild';

export interface AuditReplayDeps {
  db: Kysely<AuditTables>;
  nc: NatsConnection;
  streamName: string;
  subjectPrefix: string;
  auditDbRole: string;
  log: (line: string) => void;
  table?: string;
  batchSize?: number;
}

export interface RebuildResult {
  table: string;
  resumedFrom: number;
  /** Stream sequence the new table is complete through. */
  highWater: number;
  projected: number;
}

export interface Verification {
  ok: boolean;
  highWater: number;
  stream: { count: number; checksum: string };
  table: { count: number; checksum: string };
  /** Sequences on the stream with no row, dead letter or duplicate record, first few. */
  missing: number[];
  /** Sequences accounted for more than once, or not on the stream, first few. */
  extra: number[];
  /** Counts by kind on the table side: rows, open dead letters, recorded duplicates. */
  accountedAs: { rows: number; deadLetters: number; duplicates: number };
}

export interface RowDifference {
  id: number;
  columns: string[];
  live: Record<string, unknown> | null;
  rebuilt: Record<string, unknown> | null;
}

export interface Comparison {
  differing: number;
  examples: RowDifference[];
}

// Columns compared between the live and the rebuilt table: every column but
// projected_at, which records when a row was written.
const COMPARED_COLUMNS = [
  'event_id',
  'event_type',
  'schema_version',
  'user_id',
  'username',
  'user_role',
  'action',
  'entity_type',
  'entity_id',
  'description',
  'timestamp',
  'status',
  'error',
  'old_value',
  'new_value',
  'ip_address',
  'subject',
  'correlation_id',
  'causation_id',
];

async function tableExists(db: Kysely<AuditTables>, name: string): Promise<boolean> {
  const result = await sql<{
    found: string | null;
  }>`SELECT to_regclass(${name})::text AS found`.execute(db);

  return result.rows[0]?.found != null;
}

/**
 * Projects the stream into the rebuild table from sequence 1, or from where
 * an interrupted run stopped, until the table has caught up with the
 * stream's last sequence. Events that arrive meanwhile are included.
 */
export async function rebuildAuditTable(deps: AuditReplayDeps): Promise<RebuildResult> {
  const table = deps.table ?? REBUILD_TABLE;
  let resumedFrom = 0;
  if (await tableExists(deps.db, table)) {
    resumedFrom = await checkpointOf(deps.db, table);
    deps.log(`resuming the rebuild in ${table} after stream sequence ${resumedFrom}`);
  } else {
    await deps.db.deleteFrom('projection_checkpoints').where('projection', '=', table).execute();
    await deps.db.deleteFrom('audit_projection_counts').where('projection', '=', table).execute();
    await createRebuildTable(deps.db, table);
    deps.log(`created ${table}`);
  }

  let projected = 0;
  const highWater = await readUntilCaughtUp({
    nc: deps.nc,
    streamName: deps.streamName,
    filterSubject: allEventsFilter(deps.subjectPrefix),
    after: resumedFrom,
    batchSize: deps.batchSize ?? 500,
    label: `replay ${table}`,
    log: deps.log,
    handle: async (batch) => {
      await projectBatch(deps.db, batch.map(toStreamMessage), { table });
      projected += batch.length;
    },
  });

  return { table, resumedFrom, highWater, projected };
}

/**
 * Checks that every stream message up to `highWater` is in `table` exactly
 * once, as a row, an open dead letter or a recorded duplicate: the counts
 * and SHA-256 checksums over (sequence, event id) in sequence order must
 * match. The stream side is read again, independently of the rebuild.
 */
export async function verifyAuditTable(
  deps: AuditReplayDeps,
  table: string,
  highWater: number,
): Promise<Verification> {
  const js = deps.nc.jetstream();
  const jsm = await deps.nc.jetstreamManager();
  const streamSide = new SequenceChecksum();
  const streamIds = new Map<number, string>();
  const range = {
    stream: deps.streamName,
    filterSubject: allEventsFilter(deps.subjectPrefix),
    fromSequence: 1,
    toSequence: highWater,
    batchSize: 1000,
  };
  for await (const batch of readBatches(js, jsm, range)) {
    for (const message of batch) {
      const id = payloadEventId(message.data);
      streamSide.add(message.seq, id);
      streamIds.set(message.seq, id);
    }
  }

  const accounted = await accountedSequences(deps.db, table, highWater);
  const tableSide = new SequenceChecksum();
  const extra: number[] = [];
  let previous = 0;
  for (const entry of accounted) {
    if (entry.sequence === previous || !streamIds.has(entry.sequence)) {
      extra.push(entry.sequence);
      continue;
    }
    previous = entry.sequence;
    tableSide.add(entry.sequence, entry.eventId);
  }
  const seen = new Set(accounted.map((entry) => entry.sequence));
  const accountedAs = { rows: 0, deadLetters: 0, duplicates: 0 };
  for (const entry of accounted) accountedAs[entry.kind] += 1;
  const missing = [...streamIds.keys()].filter((sequence) => !seen.has(sequence));
  const stream = { count: streamSide.count, checksum: streamSide.digest() };
  const tableSummary = { count: tableSide.count, checksum: tableSide.digest() };

  return {
    ok: missing.length === 0 && extra.length === 0 && stream.checksum === tableSummary.checksum,
    highWater,
    stream,
    table: tableSummary,
    missing: missing.slice(0, 10),
    extra: extra.slice(0, 10),
    accountedAs,
  };
}

interface AccountedSequence {
  sequence: number;
  eventId: string;
  kind: 'rows' | 'deadLetters' | 'duplicates';
}

async function accountedSequences(
  db: Kysely<AuditTables>,
  table: string,
  highWater: number,
): Promise<AccountedSequence[]> {
  const rows = await sql<{ sequence: number; event_id: string }>`
    SELECT id AS sequence, event_id::text AS event_id FROM ${sql.id(table)} WHERE id <= ${highWater}`.execute(
    db,
  );
  const duplicates = await db
    .selectFrom('audit_duplicate_events')
    .select(['stream_sequence', 'event_id'])
    .where('stream_sequence', '<=', highWater)
    .execute();
  const deadLetters = await db
    .selectFrom('audit_dead_letters')
    .select(['stream_sequence', 'data'])
    .where('stream_sequence', '<=', highWater)
    .where('redriven_at', 'is', null)
    .execute();

  return [
    ...rows.rows.map((row) => ({
      sequence: Number(row.sequence),
      eventId: row.event_id.toLowerCase(),
      kind: 'rows' as const,
    })),
    ...duplicates.map((row) => ({
      sequence: row.stream_sequence,
      eventId: String(row.event_id).toLowerCase(),
      kind: 'duplicates' as const,
    })),
    ...deadLetters.map((row) => ({
      sequence: row.stream_sequence,
      eventId: payloadEventId(row.data),
      kind: 'deadLetters' as const,
    })),
  ].sort((a, b) => a.sequence - b.sequence);
}

/** Compares the rebuilt table with the live one up to `highWater`: rows that differ or exist on one side only. */
export async function compareWithLive(
  db: Kysely<AuditTables>,
  table: string,
  highWater: number,
  maxExamples = 5,
): Promise<Comparison> {
  const differs = COMPARED_COLUMNS.map(
    (column) => sql`l.${sql.id(column)} IS DISTINCT FROM r.${sql.id(column)}`,
  );
  const where = sql`(l.id IS NULL OR r.id IS NULL OR ${sql.join(differs, sql` OR `)})`;
  const from = sql`
    FROM (SELECT * FROM ${sql.id(AUDIT_TABLE)} WHERE id <= ${highWater}) l
    FULL OUTER JOIN (SELECT * FROM ${sql.id(table)} WHERE id <= ${highWater}) r ON l.id = r.id`;
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${from} WHERE ${where}`.execute(
    db,
  );
  const sample = await sql<{
    live: Record<string, unknown> | null;
    rebuilt: Record<string, unknown> | null;
  }>`
    SELECT CASE WHEN l.id IS NULL THEN NULL ELSE to_jsonb(l) - 'projected_at' END AS live,
           CASE WHEN r.id IS NULL THEN NULL ELSE to_jsonb(r) - 'projected_at' END AS rebuilt
    ${from} WHERE ${where}
    ORDER BY coalesce(l.id, r.id) LIMIT ${maxExamples}`.execute(db);

  const examples = sample.rows.map(({ live, rebuilt }) => ({
    id: Number((live ?? rebuilt)?.id),
    columns: COMPARED_COLUMNS.filter(
      (column) =>
        live && rebuilt && JSON.stringify(live[column]) !== JSON.stringify(rebuilt[column]),
    ),
    live,
    rebuilt,
  }));

  return { differing: count.rows[0]?.n ?? 0, examples };
}

export interface SwapDecision {
  swapped: boolean;
  reason?: string;
  retiredTable?: string;
  verification: Verification;
  comparison?: Comparison;
}

/**
 * Verifies `table` against the stream and swaps it in as audit_log, keeping
 * the old table under a dated name. Refuses when verification fails, or,
 * with `requireIdentical`, when any row differs from the live table.
 */
export async function verifyAndSwap(
  deps: AuditReplayDeps,
  rebuild: RebuildResult,
  options: { requireIdentical: boolean; now?: Date },
): Promise<SwapDecision> {
  const verification = await verifyAuditTable(deps, rebuild.table, rebuild.highWater);
  if (!verification.ok) {
    return { swapped: false, reason: describeVerificationFailure(verification), verification };
  }
  // The live projector may lag the rebuild. Rows it has not stored yet are
  // not differences, because the swap copies whatever it adds later.
  const liveThrough = Math.min(rebuild.highWater, await checkpointOf(deps.db, AUDIT_TABLE));
  const comparison = await compareWithLive(deps.db, rebuild.table, liveThrough);
  if (options.requireIdentical && comparison.differing > 0) {
    return {
      swapped: false,
      reason: `${comparison.differing} rows differ from the live table (first: id ${comparison.examples[0]?.id})`,
      verification,
      comparison,
    };
  }

  const retiredTable = `audit_log_old_${timeSuffix(options.now)}`;
  await swapAuditTable(deps.db, rebuild.table, {
    auditDbRole: deps.auditDbRole,
    retiredName: retiredTable,
  });

  return { swapped: true, retiredTable, verification, comparison };
}

export function describeVerificationFailure(verification: Verification): string {
  const parts = [
    `stream has ${verification.stream.count} events through sequence ${verification.highWater}, ` +
      `table accounts for ${verification.table.count}`,
  ];
  if (verification.missing.length > 0)
    parts.push(`missing sequences: ${verification.missing.join(', ')}`);
  if (verification.extra.length > 0)
    parts.push(`unexpected sequences: ${verification.extra.join(', ')}`);
  if (verification.stream.checksum !== verification.table.checksum) parts.push('checksums differ');

  return parts.join('; ');
}
