// Resolves a bearer token to the caller's current user in the read model, so
// a user disabled after its token was issued is refused on its next command.
import { unauthorized, type AppError } from '@stock-audit/service-kit';
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

  let userId: number;
  try {
    userId = Number(deps.tokens.verify(token).sub);
  } catch (error) {
    return { user: null, error: error as AppError };
  }

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

  return { user: row.state, error: null };
}
