// The user a login or password reset names: by user name or by email,
// exactly one of the two.
import { badRequest } from '@stock-audit/service-kit';
import type { Identity } from '../auth/credentials.ts';

export function identityOf(body: Identity): Identity {
  const hasUsername = body.username !== undefined;
  const hasEmail = body.email !== undefined;
  if (hasUsername === hasEmail) {
    throw badRequest('body must contain either username or email, not both and not neither');
  }

  return hasUsername ? { username: body.username } : { email: body.email };
}
