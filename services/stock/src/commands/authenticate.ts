// Resolves a bearer token to the caller's current user in the read model. A
// token is rejected on the next command once its user is disabled, has another
// role, or changed its password after the token was issued.
import { unauthorized, type AppError } from '@stock-audit/service-kit';
import type { VerifiedClaims } from '../auth/tokens.ts';
import type { StockDeps } from '../deps.ts';
import type { UserState } from '../domain/user.ts';

export interface Caller {
  /** The user named by a valid token, even when refused, so the refusal names it. */
  user: UserState | null;
  error: AppError | null;
}

export async function authenticateCaller(
  deps: StockDeps,
  token: string | null | undefined,
): Promise<Caller> {
  if (!token) {
    return {
      user: null,
      error: unauthorized('A bearer token is required; obtain one from POST /api/login'),
    };
  }

  let claims: VerifiedClaims;
  try {
    claims = deps.tokens.verify(token);
  } catch (error) {
    return { user: null, error: error as AppError };
  }

  const userId = Number(claims.sub);

  const row = Number.isSafeInteger(userId)
    ? await deps.db.selectFrom('users').select('state').where('id', '=', userId).executeTakeFirst()
    : undefined;
  if (!row) return { user: null, error: unauthorized('The bearer token names no known user') };
  if (row.state.status !== 'active') {
    return {
      user: row.state,
      error: unauthorized(
        `User ${row.state.username} is ${row.state.status}; its tokens are no longer accepted`,
        'ACCOUNT_DISABLED',
      ),
    };
  }

  return { user: row.state, error: staleTokenError(claims, row.state) };
}

/** Returns the 401 for a token whose role or issue time no longer matches the user, or null. */
function staleTokenError(claims: VerifiedClaims, user: UserState): AppError | null {
  if (claims.role !== user.role) {
    return unauthorized(
      `The role of user ${user.username} changed from ${claims.role} to ${user.role}; log in again`,
      'ROLE_CHANGED',
    );
  }

  // `iat` has whole seconds, so the change time is truncated to seconds too,
  // as the audit API does. A token issued right after a change, in the same
  // second, stays valid.
  // NOTE: a token issued before the change but in that same second is accepted as well.
  const changedAt = Math.floor(Date.parse(user.credentials_changed_at) / 1000);
  if (typeof claims.iat !== 'number' || !(claims.iat >= changedAt)) {
    return unauthorized(
      `The password of user ${user.username} changed after this token was issued; log in again`,
      'CREDENTIALS_CHANGED',
    );
  }

  return null;
}
