// Pieces both replays share: the read loop that passes over the stream until
// it has caught up with the last sequence, checkpoints, and retired names.
import type { Kysely } from 'kysely';
import type { JsMsg, NatsConnection } from 'nats';
import type { CoreTables } from '@stock-audit/db';
import { Progress } from './progress.ts';
import { lastSequence, readBatches } from './stream-reader.ts';

/** Returns the checkpoint stored for `projection`, 0 when it has none. */
export async function checkpointOf<T extends CoreTables>(
  db: Kysely<T>,
  projection: string,
): Promise<number> {
  const core = db as unknown as Kysely<CoreTables>;
  const row = await core
    .selectFrom('projection_checkpoints')
    .select('last_sequence')
    .where('projection', '=', projection)
    .executeTakeFirst();

  return row?.last_sequence ?? 0;
}

export interface CatchUpOptions {
  nc: NatsConnection;
  streamName: string;
  filterSubject: string;
  /** Last sequence already handled; reading starts after it. */
  after: number;
  batchSize: number;
  label: string;
  log: (line: string) => void;
  handle: (batch: JsMsg[]) => Promise<void>;
}

/**
 * Hands every matching message after `after` to `handle`, in order. Each
 * pass reads up to the high-water mark seen at its start; events published
 * during a pass are read by the next, which is short. Returns the sequence
 * the reader has caught up to.
 */
export async function readUntilCaughtUp(options: CatchUpOptions): Promise<number> {
  const js = options.nc.jetstream();
  const jsm = await options.nc.jetstreamManager();
  let done = options.after;
  let highWater = await lastSequence(jsm, options.streamName);
  const progress = new Progress(options.label, highWater, options.log);
  while (done < highWater) {
    const range = {
      stream: options.streamName,
      filterSubject: options.filterSubject,
      fromSequence: done + 1,
      toSequence: highWater,
      batchSize: options.batchSize,
    };
    for await (const batch of readBatches(js, jsm, range)) {
      await options.handle(batch);
      done = batch.at(-1)!.seq;
      progress.update(done);
    }
    done = Math.max(done, highWater);
    highWater = await lastSequence(jsm, options.streamName);
  }
  progress.update(done, true);

  return done;
}

/** Formats `now` as YYYYMMDDHHMMSS in UTC, for the names of retired tables. */
export function timeSuffix(now: Date = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
}
