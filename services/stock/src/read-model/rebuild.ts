// Rebuilds the state read model from the stream alone into the tables of a
// separate schema, created empty with the same definitions as the live ones,
// while the live tables keep serving. Swapping the rebuilt tables in is the
// operator's step.
import { sql, type Kysely } from 'kysely';
import type { JetStreamClient } from 'nats';
import { decodeEvent } from '@stock-audit/events';
import { stateEventsFilter } from '@stock-audit/jetstream';
import type { StockTables } from '../tables.ts';
import { applyStateEvent } from './apply.ts';

export const STATE_TABLES = ['products', 'sales', 'users', 'applications'] as const;

export interface RebuildOptions {
  db: Kysely<StockTables>;
  js: JetStreamClient;
  streamName: string;
  subjectPrefix: string;
  /** Target schema; created if missing. Its state tables must not exist yet. */
  schema: string;
  /** Called after each batch with the events applied so far. */
  onProgress?: (progress: { applied: number; lastSequence: number }) => void;
}

/** Creates `schema` with empty copies (columns, defaults, indexes) of the live state tables. */
export async function createStateTables(db: Kysely<StockTables>, schema: string): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  for (const table of STATE_TABLES) {
    await sql`CREATE TABLE ${sql.id(schema, table)} (LIKE ${sql.id('public', table)} INCLUDING ALL)`.execute(
      db,
    );
  }
}

/**
 * Replays every state event of the stream, oldest first, into fresh tables in
 * `schema`. Returns the number of events applied and the last sequence read.
 */
export async function rebuildStateModel(
  options: RebuildOptions,
): Promise<{ applied: number; lastSequence: number }> {
  await createStateTables(options.db, options.schema);
  const target = options.db.withSchema(options.schema);
  const consumer = await options.js.consumers.get(options.streamName, {
    filterSubjects: stateEventsFilter(options.subjectPrefix),
  });

  let applied = 0;
  let lastSequence = 0;
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let received = 0;
    let pending = 1;
    for await (const message of batch) {
      received++;
      if (await applyStateEvent(target, decodeEvent(message.data), message.seq)) applied++;
      lastSequence = message.seq;
      pending = message.info.pending;
    }
    options.onProgress?.({ applied, lastSequence });
    if (received === 0 || pending === 0) break;
  }
  await consumer.delete();

  return { applied, lastSequence };
}
