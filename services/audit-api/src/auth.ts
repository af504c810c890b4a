// Token check of the audit routes: a valid signature is not enough, the
// token's user must still be active, with the same role, and the token must
// be newer than the user's last credential change.
import type { FastifyRequest } from 'fastify';
import { AppError, authenticate, unauthorized, type TokenClaims } from '@stock-audit/service-kit';
import type { AccountView } from './accounts.ts';

/** Verifies the bearer token, then checks it against the user's current state. */
export async function authenticateAccount(
  request: FastifyRequest,
  accounts: AccountView,
): Promise<TokenClaims> {
  const claims = await authenticate(request);
  if (!accounts.ready) {
    throw new AppError(503, 'NOT_READY', 'User accounts are still loading; retry shortly');
  }

  const account = accounts.find(claims.sub);
  if (!account || account.status !== 'active') {
    const state = account ? `is ${account.status}` : 'is unknown';
    throw unauthorized(
      `User ${claims.username} ${state}; its tokens are no longer accepted`,
      'ACCOUNT_DISABLED',
    );
  }
  if (account.role !== claims.role) {
    throw unauthorized(
      `The role of user ${claims.username} changed from ${claims.role} to ${account.role}; log in again`,
      'ROLE_CHANGED',
    );
  }

  // `iat` has whole seconds, so the change time is truncated to seconds too.
  // A token issued right after a change, in the same second, stays valid.
  // NOTE: a token issued before the change but in that same second is accepted as well.
  const issuedAt = (request.user as { iat?: unknown }).iat;
  const changedAt = Math.floor(account.credentialsChangedAt / 1000);
  if (typeof issuedAt !== 'number' || !(issuedAt >= changedAt)) {
    throw unauthorized(
      `The password of user ${claims.username} changed after this token was issued; log in again`,
      'CREDENTIALS_CHANGED',
    );
  }

  return claims;
}
