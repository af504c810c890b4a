// Password reset codes: eight random digits, stored only as a scrypt hash,
// valid for a limited time and a limited number of attempts, used once.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StockTables } from '../tables.ts';
import { hashSecret, verifySecret } from './passwords.ts';

export interface ResetCodePolicy {
  /** Milliseconds a code stays valid. */
  ttlMs: number;
  /** Wrong guesses after which the code is void. */
  maxAttempts: number;
  /** scrypt cost of the code hash. */
  hashCost: number;
}

export function generateResetCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** Stores the hash of a new code for `userId`, replacing any earlier code. */
export async function storeResetCode(
  db: Kysely<StockTables>,
  userId: number,
  code: string,
  policy: ResetCodePolicy,
): Promise<Date> {
  const expiresAt = new Date(Date.now() + policy.ttlMs);
  const codeHash = await hashSecret(code, policy.hashCost);
  await db
    .insertInto('password_reset_codes')
    .values({ user_id: userId, code_hash: codeHash, expires_at: expiresAt, attempts: 0 })
    .onConflict((conflict) =>
      conflict.column('user_id').doUpdateSet({
        code_hash: codeHash,
        expires_at: expiresAt,
        attempts: 0,
        created_at: new Date(),
      }),
    )
    .execute();

  return expiresAt;
}

export type ResetCodeCheck = 'valid' | 'invalid' | 'expired' | 'exhausted' | 'missing';

/**
 * Counts one attempt against the user's code, then compares. The attempt is
 * counted before the comparison, in its own statement, so parallel guesses
 * cannot exceed the limit. A code past its expiry or its attempts is deleted.
 * Returns the hash compared against when valid, for `consumeResetCode`.
 */
export async function checkResetCode(
  db: Kysely<StockTables>,
  userId: number,
  code: string,
  policy: ResetCodePolicy,
): Promise<{ result: ResetCodeCheck; codeHash?: string }> {
  const row = await db
    .updateTable('password_reset_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('user_id', '=', userId)
    .where('attempts', '<', policy.maxAttempts)
    .returning(['code_hash', 'expires_at', 'attempts'])
    .executeTakeFirst();
  if (!row) {
    const deleted = await deleteResetCode(db, userId);

    return { result: deleted ? 'exhausted' : 'missing' };
  }
  if (row.expires_at.getTime() <= Date.now()) {
    await deleteResetCode(db, userId);

    return { result: 'expired' };
  }
  if (await verifySecret(code, row.code_hash)) return { result: 'valid', codeHash: row.code_hash };
  if (row.attempts >= policy.maxAttempts) await deleteResetCode(db, userId);

  return { result: 'invalid' };
}

/**
 * Deletes the code that `checkResetCode` found valid. Returns false when
 * another request used or replaced it first, so each code works once.
 */
export async function consumeResetCode(
  db: Kysely<StockTables>,
  userId: number,
  codeHash: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('password_reset_codes')
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();

  return result.numDeletedRows > 0n;
}

async function deleteResetCode(db: Kysely<StockTables>, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('password_reset_codes')
    .where('user_id', '=', userId)
    .executeTakeFirst();

  return result.numDeletedRows > 0n;
}
