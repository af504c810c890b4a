// Idempotency-Key handling. The first request with a key claims a record. A
// retry with the same key and the same request within the window gets the
// stored reply and publishes nothing. Event ids of the claimed command derive
// from the record. A command that crashed after appending and is then retried
// therefore produces the same ids, which the stream's duplicate window stores once.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { redactSecrets } from '@stock-audit/events';
import { conflict } from '@stock-audit/service-kit';
import type { StockTables } from '../tables.ts';

/** A reply as both entry points send it: status and JSON body. */
export interface CommandReply {
  statusCode: number;
  body: unknown;
  /** True when the reply is the stored reply of an earlier request with the same key. */
  replayed?: boolean;
}

export type IdempotencyClaim =
  | { kind: 'replay'; reply: CommandReply }
  | {
      kind: 'claimed';
      /** Seed of the command's event ids. */
      seed: string;
      /** Stores the reply for retries and releases the record. */
      finish(reply: CommandReply): Promise<void>;
      /** Releases the record without a reply, so a retry runs the command again with the same ids. */
      release(): Promise<void>;
    };

export interface IdempotencyRequest {
  /** The command and caller the key belongs to, e.g. `product.create:14`. */
  scope: string;
  key: string;
  /** The command's input, to detect a key reused for another request. */
  input: unknown;
  windowMs: number;
}

/** How long a record may stay locked before another request assumes its owner died. */
const STALE_LOCK_MS = 30_000;
// Millisecond precision, so the JavaScript Date read back matches the column exactly.
const CREATED_NOW = sql<Date>`date_trunc('milliseconds', now())`;

/** How long a retry waits for the first request with its key to finish. */
const WAIT_FOR_OWNER_MS = 10_000;

export async function claimIdempotencyKey(
  db: Kysely<StockTables>,
  request: IdempotencyRequest,
): Promise<IdempotencyClaim> {
  // Secrets are blanked first, so the table never contains a fast hash of a password.
  const requestHash = createHash('sha256')
    .update(canonicalJson(redactSecrets(request.input)))
    .digest('hex');
  const deadline = Date.now() + WAIT_FOR_OWNER_MS;

  for (;;) {
    const fresh = await db
      .insertInto('idempotency_records')
      .values({
        scope: request.scope,
        key: request.key,
        request_hash: requestHash,
        created_at: CREATED_NOW,
        locked_at: sql<Date>`now()`,
      })
      .onConflict((onConflict) =>
        onConflict
          .columns(['scope', 'key'])
          .doUpdateSet({
            request_hash: requestHash,
            created_at: CREATED_NOW,
            locked_at: sql<Date>`now()`,
            status_code: null,
            response: null,
          })
          .where('idempotency_records.created_at', '<', windowStart(request.windowMs)),
      )
      .returning('created_at')
      .executeTakeFirst();
    if (fresh) return claimed(db, request, fresh.created_at);

    const existing = await db
      .selectFrom('idempotency_records')
      .selectAll()
      .where('scope', '=', request.scope)
      .where('key', '=', request.key)
      .executeTakeFirst();
    if (!existing) continue;
    if (existing.request_hash !== requestHash) {
      throw conflict(
        'This Idempotency-Key was already used for a different request; use a new key',
        'IDEMPOTENCY_KEY_REUSED',
      );
    }
    if (existing.status_code !== null) {
      return {
        kind: 'replay',
        reply: { statusCode: existing.status_code, body: existing.response, replayed: true },
      };
    }

    const takenOver = await db
      .updateTable('idempotency_records')
      .set({ locked_at: sql<Date>`now()` })
      .where('scope', '=', request.scope)
      .where('key', '=', request.key)
      .where('status_code', 'is', null)
      .where((eb) =>
        eb.or([
          eb('locked_at', 'is', null),
          eb('locked_at', '<', sql<Date>`now() - ${STALE_LOCK_MS} * interval '1 millisecond'`),
        ]),
      )
      .returning('created_at')
      .executeTakeFirst();
    if (takenOver) return claimed(db, request, takenOver.created_at);
    if (Date.now() > deadline) {
      throw conflict(
        'A request with this Idempotency-Key is still running; retry later',
        'IDEMPOTENCY_KEY_IN_USE',
      );
    }
    await sleep(50);
  }
}

/** Serializes `value` as JSON with object keys sorted, so key order does not change the hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;

    const entries = Object.entries(item).sort(([left], [right]) => (left < right ? -1 : 1));

    return Object.fromEntries(entries);
  });
}

function windowStart(windowMs: number) {
  return sql<Date>`now() - ${windowMs} * interval '1 millisecond'`;
}

function claimed(
  db: Kysely<StockTables>,
  request: IdempotencyRequest,
  createdAt: Date,
): IdempotencyClaim {
  const record = () =>
    db
      .updateTable('idempotency_records')
      .where('scope', '=', request.scope)
      .where('key', '=', request.key)
      .where('created_at', '=', createdAt);

  return {
    kind: 'claimed',
    seed: `${request.scope}\n${request.key}\n${createdAt.toISOString()}`,
    async finish(reply) {
      await record()
        .set({
          status_code: reply.statusCode,
          response: JSON.stringify(reply.body),
          locked_at: null,
        })
        .execute();
    },
    async release() {
      await record().set({ locked_at: null }).execute();
    },
  };
}

/** Deletes records older than the window; returns how many. */
export async function deleteExpiredIdempotencyRecords(
  db: Kysely<StockTables>,
  windowMs: number,
): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_records')
    .where('created_at', '<', windowStart(windowMs))
    .executeTakeFirst();

  return Number(result.numDeletedRows);
}
