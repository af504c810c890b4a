// Rebuild of the state read model (products, sales, users, applications)
// from the stream's state events into a separate schema, while the command
// API keeps serving the live tables. Verification checks every entity's row
// against the last event on its subject before an atomic swap.
import { sql, type Kysely } from 'kysely';
import type { JsMsg, NatsConnection } from 'nats';
import { decodeEvent, type EventEnvelope } from '@stock-audit/events';
import { stateEventsFilter } from '@stock-audit/jetstream';
import {
  STATE_TABLES,
  applyStateEvent,
  createStateTables,
  type StockTables,
} from '@stock-audit/stock';
import { SequenceChecksum } from './checksum.ts';
import { checkpointOf, readUntilCaughtUp, timeSuffix } from './catch-up.ts';
import { readBatches } from './stream-reader.ts';

/** Schema a state replay fills; a resumed replay finds it again. */
export const STATE_REBUILD_SCHEMA = 'state_rebuild';

const KEY_COLUMN: Record<(typeof STATE_TABLES)[number], string> = {
  products: 'id',
  sales: 'id',
  users: 'id',
  applications: 'user_id',
};

// Entity id sequences of the command side and the table whose ids they issue.
const ID_SEQUENCES = [
  ['product_id_seq', 'products'],
  ['sale_id_seq', 'sales'],
  ['user_id_seq', 'users'],
] as const;

// Table that holds each entity type's state. Application events live on
// the applicant's user subject and carry the user's state.
const TABLE_OF_ENTITY: Record<string, 'products' | 'sales' | 'users'> = {
  product: 'products',
  sale: 'sales',
  user: 'users',
  application: 'users',
};

export interface StateReplayDeps {
  db: Kysely<StockTables>;
  nc: NatsConnection;
  streamName: string;
  subjectPrefix: string;
  log: (line: string) => void;
  schema?: string;
  batchSize?: number;
}

export interface StateRebuildResult {
  schema: string;
  resumedFrom: number;
  highWater: number;
  applied: number;
  /** Stream sequences of state messages that are not valid events, skipped. */
  invalid: number[];
}

export interface StateVerification {
  ok: boolean;
  highWater: number;
  stream: { count: number; checksum: string };
  tables: { count: number; checksum: string };
  /** Rows that are missing, extra, or hold another state than the stream's last event, first few. */
  problems: string[];
}

export interface StateComparison {
  differing: number;
  examples: { table: string; key: number; live: unknown; rebuilt: unknown }[];
}

async function schemaHasTables(db: Kysely<StockTables>, schema: string): Promise<boolean> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = ${schema}`.execute(
    db,
  );

  return (result.rows[0]?.n ?? 0) === STATE_TABLES.length;
}

/** Applies one batch into `schema` with its checkpoint in one transaction; returns the events applied. */
async function applyBatch(
  deps: StateReplayDeps,
  schema: string,
  batch: JsMsg[],
  invalid: number[],
): Promise<number> {
  const last = batch.at(-1)!.seq;
  let applied = 0;
  await deps.db.transaction().execute(async (trx) => {
    const target = trx.withSchema(schema);
    for (const message of batch) {
      let event: EventEnvelope;
      try {
        event = decodeEvent(message.data);
      } catch (error) {
        invalid.push(message.seq);
        deps.log(`skipped stream sequence ${message.seq}: ${(error as Error).message}`);
        continue;
      }
      try {
        if (await applyStateEvent(target as unknown as Kysely<StockTables>, event, message.seq))
          applied++;
      } catch (error) {
        throw new Error(
          `cannot apply stream sequence ${message.seq} (event ${event.id}, ${event.type}): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    await trx
      .insertInto('projection_checkpoints')
      .values({ projection: schema, last_sequence: last })
      .onConflict((conflict) => conflict.column('projection').doUpdateSet({ last_sequence: last }))
      .execute();
  });

  return applied;
}

/**
 * Applies every state event from sequence 1 (or after an interrupted run's
 * checkpoint) into the rebuild schema, batch by batch with the checkpoint in
 * the same transaction, until it has caught up with the stream.
 */
export async function rebuildStateSchema(deps: StateReplayDeps): Promise<StateRebuildResult> {
  const schema = deps.schema ?? STATE_REBUILD_SCHEMA;
  let resumedFrom = 0;
  if (await schemaHasTables(deps.db, schema)) {
    resumedFrom = await checkpointOf(deps.db, schema);
    deps.log(`resuming the rebuild in schema ${schema} after stream sequence ${resumedFrom}`);
  } else {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(deps.db);
    await deps.db.deleteFrom('projection_checkpoints').where('projection', '=', schema).execute();
    await createStateTables(deps.db, schema);
    deps.log(`created schema ${schema} with empty ${STATE_TABLES.join(', ')}`);
  }

  let applied = 0;
  const invalid: number[] = [];
  const highWater = await readUntilCaughtUp({
    nc: deps.nc,
    streamName: deps.streamName,
    filterSubject: stateEventsFilter(deps.subjectPrefix),
    after: resumedFrom,
    batchSize: deps.batchSize ?? 500,
    label: `replay ${schema}`,
    log: deps.log,
    handle: async (batch) => {
      applied += await applyBatch(deps, schema, batch, invalid);
    },
  });

  return { schema, resumedFrom, highWater, applied, invalid };
}

/** Serialises with sorted keys, so two equal objects compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );

  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
}

interface ExpectedRow {
  table: string;
  key: number;
  sequence: number;
  state: Record<string, unknown>;
}

/** The row each entity should have: its subject's last successful event up to `highWater`. */
async function expectedRows(
  deps: StateReplayDeps,
  highWater: number,
): Promise<Map<string, ExpectedRow>> {
  const js = deps.nc.jetstream();
  const jsm = await deps.nc.jetstreamManager();
  const expected = new Map<string, ExpectedRow>();
  const range = {
    stream: deps.streamName,
    filterSubject: stateEventsFilter(deps.subjectPrefix),
    fromSequence: 1,
    toSequence: highWater,
    batchSize: 1000,
  };
  for await (const batch of readBatches(js, jsm, range)) {
    for (const message of batch) {
      let event: EventEnvelope;
      try {
        event = decodeEvent(message.data);
      } catch {
        continue;
      }
      if (event.status !== 'success' || !event.after) continue;
      const key = Number(event.after.id);
      const table = TABLE_OF_ENTITY[event.entity_type];
      if (!table) continue;
      expected.set(`${table}:${key}`, { table, key, sequence: message.seq, state: event.after });
      const application = (event.after as { application?: unknown }).application;
      if (table === 'users' && application) {
        expected.set(`applications:${key}`, {
          table: 'applications',
          key,
          sequence: message.seq,
          state: {},
        });
      }
    }
  }

  return expected;
}

/**
 * Checks that every entity with a state event up to `highWater` has exactly
 * one row in the rebuild schema, holding that subject's last event (its
 * sequence and its `after`), and that no other rows exist. Count and SHA-256
 * over the ordered (table, key, sequence) triples must match.
 */
export async function verifyStateSchema(
  deps: StateReplayDeps,
  schema: string,
  highWater: number,
): Promise<StateVerification> {
  const expected = await expectedRows(deps, highWater);
  const problems: string[] = [];
  const actual = new Map<string, { sequence: number; state: unknown }>();
  for (const table of STATE_TABLES) {
    const rows = await sql<{ key: number; last_sequence: number; state: unknown }>`
      SELECT ${sql.id(KEY_COLUMN[table])}::bigint AS key, last_sequence, state
      FROM ${sql.id(schema, table)} WHERE last_sequence <= ${highWater}`.execute(deps.db);
    for (const row of rows.rows) {
      actual.set(`${table}:${Number(row.key)}`, {
        sequence: Number(row.last_sequence),
        state: row.state,
      });
    }
  }

  const ordered = (keys: Iterable<string>) => [...keys].sort();
  const streamSide = new SequenceChecksum();
  const tableSide = new SequenceChecksum();
  let position = 0;
  for (const key of ordered(expected.keys())) {
    const row = expected.get(key)!;
    streamSide.add(++position, `${key}@${row.sequence}`);
    const stored = actual.get(key);
    if (!stored) problems.push(`${key} is missing`);
    else if (stored.sequence !== row.sequence) {
      problems.push(
        `${key} is at sequence ${stored.sequence}, the stream's last event is ${row.sequence}`,
      );
    } else if (row.table !== 'applications' && canonical(stored.state) !== canonical(row.state)) {
      problems.push(`${key} holds another state than event ${row.sequence}'s after`);
    }
  }
  position = 0;
  for (const key of ordered(actual.keys())) {
    tableSide.add(++position, `${key}@${actual.get(key)!.sequence}`);
    if (!expected.has(key)) problems.push(`${key} has no state event on the stream`);
  }
  const stream = { count: streamSide.count, checksum: streamSide.digest() };
  const tables = { count: tableSide.count, checksum: tableSide.digest() };

  return {
    ok: problems.length === 0 && stream.checksum === tables.checksum,
    highWater,
    stream,
    tables,
    problems: problems.slice(0, 10),
  };
}

/**
 * Rows of the rebuild schema that differ from the live tables in any column,
 * with a few examples. Live rows changed after `highWater` are left out.
 */
export async function compareStateWithLive(
  db: Kysely<StockTables>,
  schema: string,
  highWater: number,
  maxExamples = 5,
): Promise<StateComparison> {
  let differing = 0;
  const examples: StateComparison['examples'] = [];
  for (const table of STATE_TABLES) {
    const key = sql.id(KEY_COLUMN[table]);
    const result = await sql<{ key: number; live: unknown; rebuilt: unknown }>`
      SELECT coalesce(l.${key}, r.${key})::bigint AS key, to_jsonb(l) AS live, to_jsonb(r) AS rebuilt
      FROM ${sql.id('public', table)} l FULL OUTER JOIN ${sql.id(schema, table)} r ON l.${key} = r.${key}
      WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
        -- A live row past the high-water mark is newer than the rebuild, not a difference.
        AND coalesce(l.last_sequence, 0) <= ${highWater}
      ORDER BY 1`.execute(db);
    differing += result.rows.length;
    for (const row of result.rows.slice(0, Math.max(0, maxExamples - examples.length))) {
      examples.push({ table, key: Number(row.key), live: row.live, rebuilt: row.rebuilt });
    }
  }

  return { differing, examples };
}

export interface StateSwapDecision {
  swapped: boolean;
  reason?: string;
  retiredSchema?: string;
  verification: StateVerification;
  comparison?: StateComparison;
}

/**
 * Verifies the rebuild schema and swaps its tables into `public` in one
 * transaction, moving the live tables to a dated schema that is kept until
 * the operator drops it. Under the lock it first copies rows the live model
 * changed after the rebuild's high-water mark, so no command is lost.
 */
export async function verifyAndSwapState(
  deps: StateReplayDeps,
  rebuild: StateRebuildResult,
  options: { requireIdentical: boolean; now?: Date },
): Promise<StateSwapDecision> {
  const verification = await verifyStateSchema(deps, rebuild.schema, rebuild.highWater);
  if (!verification.ok) {
    return {
      swapped: false,
      reason: verification.problems.join('; ') || 'checksums differ',
      verification,
    };
  }
  const comparison = await compareStateWithLive(deps.db, rebuild.schema, rebuild.highWater);
  if (options.requireIdentical && comparison.differing > 0) {
    const first = comparison.examples[0];
    return {
      swapped: false,
      reason: `${comparison.differing} rows differ from the live tables (first: ${first?.table} ${first?.key})`,
      verification,
      comparison,
    };
  }

  const retiredSchema = `state_old_${timeSuffix(options.now)}`;
  await deps.db.transaction().execute(async (trx) => {
    const live = STATE_TABLES.map((table) => sql.id('public', table));
    await sql`LOCK TABLE ${sql.join(live)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
    for (const table of STATE_TABLES) {
      const key = sql.id(KEY_COLUMN[table]);
      const rebuilt = sql.id(rebuild.schema, table);
      const current = sql.id('public', table);
      await sql`DELETE FROM ${rebuilt} WHERE ${key} IN (
        SELECT ${key} FROM ${current} WHERE last_sequence > ${rebuild.highWater})`.execute(trx);
      await sql`INSERT INTO ${rebuilt} SELECT * FROM ${current} WHERE last_sequence > ${rebuild.highWater}`.execute(
        trx,
      );
    }
    await sql`CREATE SCHEMA ${sql.id(retiredSchema)}`.execute(trx);
    for (const table of STATE_TABLES) {
      await sql`ALTER TABLE ${sql.id('public', table)} SET SCHEMA ${sql.id(retiredSchema)}`.execute(
        trx,
      );
      await sql`ALTER TABLE ${sql.id(rebuild.schema, table)} SET SCHEMA public`.execute(trx);
    }
    await sql`DROP SCHEMA ${sql.id(rebuild.schema)}`.execute(trx);
    // A rebuild into an empty database must not hand out ids again, so each
    // id sequence moves past the highest id its table holds.
    for (const [sequence, table] of ID_SEQUENCES) {
      await sql`
        SELECT setval(${sequence}::regclass, max(id)) FROM ${sql.id('public', table)}
        HAVING max(id) >= (SELECT last_value FROM ${sql.id(sequence)})`.execute(trx);
    }
    await trx
      .deleteFrom('projection_checkpoints')
      .where('projection', '=', rebuild.schema)
      .execute();
  });

  return { swapped: true, retiredSchema, verification, comparison };
}
