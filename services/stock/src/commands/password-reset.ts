// Password reset. A request sends a single-use code out of band and always
// returns 202, so it reveals nothing about which accounts exist, but the
// audit still records an error event when no active account matched. The
// code then changes the password once.
import { Type, type Static } from '@sinclair/typebox';
import { AppError, forbidden, notFound } from '@stock-audit/service-kit';
import {
  describeIdentity,
  findCredentials,
  updateCredentials,
  type Identity,
} from '../auth/credentials.ts';
import { hashSecret } from '../auth/passwords.ts';
import {
  checkResetCode,
  consumeResetCode,
  generateResetCode,
  storeResetCode,
  type ResetCodeCheck,
} from '../auth/reset-codes.ts';
import { changePassword, type UserState } from '../domain/user.ts';
import { getUser } from '../read-model/queries.ts';
import { appendStateEvent } from './append.ts';
import { actorOf } from './events.ts';
import { identityOf } from './identity.ts';
import { publishActivity, publishRejection } from './publish.ts';
import { Password, identifiedBody } from './schemas.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const ResetBody = identifiedBody({});
const ChangeBody = identifiedBody({
  code: Type.String({ minLength: 1, maxLength: 64 }),
  new_password: Password,
});

const ACCEPTED = {
  status: 202,
  result: { message: 'If an active account matches, a reset code has been sent to its owner' },
};

async function requestReset(ctx: CommandContext, identity: Identity) {
  const { db, notifier, options } = ctx.deps;
  const username = describeIdentity(identity);
  const credentials = await findCredentials(db, identity);
  const user = credentials ? await getUser(db, credentials.user_id) : undefined;
  if (!user) {
    await publishRejection(
      ctx,
      notFound('No user matches this user name or email', 'USER_NOT_FOUND'),
      {
        entityId: null,
        username,
      },
    );

    return ACCEPTED;
  }
  if (user.status !== 'active') {
    await publishRejection(
      ctx,
      forbidden(`User ${user.username} is ${user.status}; no code was sent`, 'ACCOUNT_NOT_ACTIVE'),
      { entityId: user.id, username },
    );

    return ACCEPTED;
  }

  const code = generateResetCode();
  const expiresAt = await storeResetCode(db, user.id, code, options.resetCode);
  try {
    await notifier.sendPasswordResetCode({
      user_id: user.id,
      username: user.username,
      email: user.email,
      code,
      expires_at: expiresAt.toISOString(),
    });
  } catch (error) {
    ctx.log.error({ err: error, correlation_id: ctx.correlationId }, 'reset code not delivered');
    await publishRejection(
      ctx,
      new AppError(503, 'NOTIFICATION_FAILED', 'The reset code could not be delivered'),
      { entityId: user.id, username },
    );

    return ACCEPTED;
  }
  await publishActivity(ctx, {
    type: 'user.password_reset_requested',
    entityType: 'user',
    entityId: user.id,
    actor: null,
  });

  return ACCEPTED;
}

const CODE_PROBLEMS: Record<Exclude<ResetCodeCheck, 'valid'>, string> = {
  invalid: 'The reset code is wrong',
  expired: 'The reset code has expired; request a new one',
  exhausted: 'The reset code was tried too often and is void; request a new one',
  missing: 'No reset code is pending for this user; request one first',
};

function invalidCode(check: Exclude<ResetCodeCheck, 'valid'>, userId?: number) {
  return new AppError(
    400,
    'INVALID_RESET_CODE',
    CODE_PROBLEMS[check],
    userId === undefined ? undefined : { entity_id: userId },
  );
}

async function changePasswordWithCode(ctx: CommandContext, body: Static<typeof ChangeBody>) {
  const { db, options } = ctx.deps;
  const credentials = await findCredentials(db, identityOf(body));
  if (!credentials) throw invalidCode('missing');
  const userId = credentials.user_id;

  const check = await checkResetCode(db, userId, body.code, options.resetCode);
  if (check.result !== 'valid') throw invalidCode(check.result, userId);
  const user = await getUser(db, userId);
  if (!user || user.status !== 'active') {
    throw new AppError(403, 'ACCOUNT_NOT_ACTIVE', `User ${userId} is not active`, {
      entity_id: userId,
    });
  }

  const passwordHash = await hashSecret(body.new_password, options.passwordHashCost);
  await db.transaction().execute(async (trx) => {
    if (!(await consumeResetCode(trx, userId, check.codeHash!)))
      throw invalidCode('missing', userId);
    await updateCredentials(trx, userId, { passwordHash });
    await appendStateEvent<UserState>(ctx, {
      entityType: 'user',
      entityId: userId,
      eventId: ctx.eventIds.next('main'),
      actor: actorOf(user),
      decide: (current) => ({
        type: 'user.password_changed',
        after: changePassword(current ?? user, new Date().toISOString()),
      }),
    });
  });

  return { result: { message: 'Password changed; log in with the new password' } };
}

export const passwordResetCommands: CommandDefinition[] = [
  {
    name: 'user.reset_password',
    kind: 'command',
    entityType: 'user',
    action: 'reset_password',
    method: 'POST',
    url: '/api/users/reset-password',
    successStatus: 202,
    summary: 'Request a password reset code, sent out of band; always answers 202',
    access: 'anonymous',
    body: ResetBody,
    idempotent: true,
    handle: (ctx, { body }: { body: Static<typeof ResetBody> }) =>
      requestReset(ctx, identityOf(body)),
  },
  {
    name: 'user.change_password',
    kind: 'command',
    entityType: 'user',
    action: 'change_password',
    method: 'POST',
    url: '/api/users/reset-password/change-password',
    successStatus: 200,
    summary: 'Set a new password with a reset code; the code works once',
    access: 'anonymous',
    body: ChangeBody,
    // The request contains the code, and a retry fails anyway because the code is single-use.
    idempotent: false,
    handle: (ctx, { body }: { body: Static<typeof ChangeBody> }) =>
      changePasswordWithCode(ctx, body),
  },
];
