// Login: checks the password against `credentials`, then the user's status
// in the read model, and returns a signed token. The password is checked
// first, so only its owner learns that an account is pending, rejected or
// disabled.
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '@stock-audit/service-kit';
import { findCredentials } from '../auth/credentials.ts';
import { verifyAgainstDummy, verifySecret } from '../auth/passwords.ts';
import type { UserState } from '../domain/user.ts';
import { getUser } from '../read-model/queries.ts';
import { actorOf } from './events.ts';
import { identityOf } from './identity.ts';
import { publishActivity } from './publish.ts';
import { identifiedBody } from './schemas.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const LoginBody = identifiedBody({ password: Type.String({ minLength: 1, maxLength: 256 }) });

const REFUSALS: Record<Exclude<UserState['status'], 'active'>, [string, string]> = {
  pending: ['ACCOUNT_PENDING', 'is awaiting approval of its registration by an admin'],
  rejected: ['ACCOUNT_REJECTED', 'was refused at registration; ask an admin to approve it'],
  disabled: ['ACCOUNT_DISABLED', 'is disabled; ask an admin to enable it'],
};

function invalidCredentials(userId?: number) {
  return new AppError(
    401,
    'INVALID_CREDENTIALS',
    'Invalid user name, email or password',
    userId === undefined ? undefined : { entity_id: userId },
  );
}

async function login(ctx: CommandContext, body: Static<typeof LoginBody>) {
  const { db, tokens, options } = ctx.deps;
  const credentials = await findCredentials(db, identityOf(body));
  if (!credentials) {
    await verifyAgainstDummy(body.password, options.passwordHashCost);
    throw invalidCredentials();
  }
  if (!(await verifySecret(body.password, credentials.password_hash))) {
    throw invalidCredentials(credentials.user_id);
  }

  const user = await getUser(db, credentials.user_id);
  if (!user) throw invalidCredentials(credentials.user_id);
  if (user.status !== 'active') {
    const [code, reason] = REFUSALS[user.status];
    throw new AppError(403, code, `User ${user.username} ${reason}`, { entity_id: user.id });
  }

  const token = tokens.sign({ sub: String(user.id), username: user.username, role: user.role });
  await publishActivity(ctx, {
    type: 'user.logged_in',
    entityType: 'user',
    entityId: user.id,
    actor: actorOf(user),
    state: user,
  });

  return { result: { token, user: { id: user.id, username: user.username, role: user.role } } };
}

export const sessionCommands: CommandDefinition[] = [
  {
    name: 'user.login',
    kind: 'command',
    entityType: 'user',
    action: 'login',
    method: 'POST',
    url: '/api/login',
    successStatus: 200,
    summary: 'Log in with username or email and password; returns a bearer token',
    access: 'anonymous',
    body: LoginBody,
    // The reply contains a token, which must not be stored for replays.
    idempotent: false,
    handle: (ctx, { body }: { body: Static<typeof LoginBody> }) => login(ctx, body),
  },
];
