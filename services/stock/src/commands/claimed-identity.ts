// The form in which an anonymous caller's claimed user name or email goes
// into its error event. A value naming an existing user is kept verbatim, and
// so is a well-formed user name that someone tried to register. Any other
// value may be a password typed into the wrong field, so the event gets only
// a masked form that lets an auditor match repeated attempts.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { identityKey } from '../auth/credentials.ts';
import type { StockTables } from '../tables.ts';
import { findTextProblem, sanitizeClientText } from './input-text.ts';
import { Username } from './schemas.ts';

/** Values shorter than this show no leading characters in their masked form. */
const MIN_LENGTH_TO_SHOW_PREFIX = 6;
const USERNAME = new RegExp(Username.pattern!);

/**
 * Returns `value` when it is the user name or email of an existing user
 * (compared as login compares them) or, for `register`, a valid user name.
 * Otherwise returns its masked form.
 */
export async function recordedIdentity(
  db: Kysely<StockTables>,
  value: string,
  action: string,
): Promise<string> {
  if (action === 'register' && USERNAME.test(value)) return value;
  // PostgreSQL rejects U+0000 in a query parameter, and no stored identity
  // contains a control character.
  if (findTextProblem(value, 'identity') !== null) return maskIdentity(value);

  const key = identityKey(value);
  const match = await db
    .selectFrom('credentials')
    .select('user_id')
    .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]))
    .executeTakeFirst();

  return match ? sanitizeClientText(value) : maskIdentity(value);
}

/**
 * Masks `value` as its first two characters, its length and the first 8 hex
 * digits of its SHA-256, such as `in… (10 chars, sha256 3f2a9c1b)`. Values
 * under 6 characters show no leading characters.
 */
export function maskIdentity(value: string): string {
  const characters = Array.from(value);
  const prefix =
    characters.length >= MIN_LENGTH_TO_SHOW_PREFIX ? characters.slice(0, 2).join('') : '';
  const fingerprint = createHash('sha256').update(value).digest('hex').slice(0, 8);

  return `${sanitizeClientText(prefix)}… (${characters.length} chars, sha256 ${fingerprint})`;
}
