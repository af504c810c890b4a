// The credentials table: one password hash per user, with the lowercased
// user name and email whose unique indexes keep both unique across users.
import type { Kysely } from 'kysely';
import { conflict, type AppError } from '@stock-audit/service-kit';
import type { StockTables } from '../tables.ts';

export interface CredentialsRow {
  user_id: number;
  username_key: string;
  email_key: string;
  password_hash: string;
}

/** A login or reset request names the user by user name or by email. */
export interface Identity {
  username?: string;
  email?: string;
}

export function identityKey(value: string): string {
  return value.trim().toLowerCase();
}

/** Returns the identity as given, for error events of anonymous commands. */
export function describeIdentity(identity: Identity): string {
  return identity.username ?? identity.email ?? '';
}

export async function findCredentials(
  db: Kysely<StockTables>,
  identity: Identity,
): Promise<CredentialsRow | undefined> {
  const query = db.selectFrom('credentials').selectAll();
  if (identity.username !== undefined) {
    return query.where('username_key', '=', identityKey(identity.username)).executeTakeFirst();
  }
  if (identity.email !== undefined) {
    return query.where('email_key', '=', identityKey(identity.email)).executeTakeFirst();
  }

  return undefined;
}

export async function insertCredentials(
  db: Kysely<StockTables>,
  row: { userId: number; username: string; email: string; passwordHash: string },
): Promise<void> {
  try {
    await db
      .insertInto('credentials')
      .values({
        user_id: row.userId,
        username_key: identityKey(row.username),
        email_key: identityKey(row.email),
        password_hash: row.passwordHash,
      })
      .execute();
  } catch (error) {
    throw uniqueViolation(error, row) ?? error;
  }
}

export async function updateCredentials(
  db: Kysely<StockTables>,
  userId: number,
  changes: { username?: string; email?: string; passwordHash?: string },
): Promise<void> {
  const values: Partial<Record<'username_key' | 'email_key' | 'password_hash', string>> = {};
  if (changes.username !== undefined) values.username_key = identityKey(changes.username);
  if (changes.email !== undefined) values.email_key = identityKey(changes.email);
  if (changes.passwordHash !== undefined) values.password_hash = changes.passwordHash;
  if (Object.keys(values).length === 0) return;

  try {
    await db
      .updateTable('credentials')
      .set({ ...values, updated_at: new Date() })
      .where('user_id', '=', userId)
      .execute();
  } catch (error) {
    throw uniqueViolation(error, changes) ?? error;
  }
}

/** Turns a unique violation on user name or email into a 409 naming the value. */
function uniqueViolation(
  error: unknown,
  values: { username?: string; email?: string },
): AppError | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505') return undefined;
  if (constraint?.includes('email')) {
    return conflict(`Email ${values.email} is already registered`, 'EMAIL_TAKEN');
  }

  return conflict(`User name ${values.username} is already taken`, 'USERNAME_TAKEN');
}
