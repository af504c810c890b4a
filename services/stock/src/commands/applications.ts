// Self-registration and its review. Registering creates a pending user with
// a user.registered event. Approving or rejecting it appends
// application.approved or application.rejected on the same user's subject,
// so the user's chain of before and after states stays unbroken.
import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '@stock-audit/service-kit';
import { approveApplication, rejectApplication, type UserState } from '../domain/user.ts';
import { applicationOf } from '../read-model/application-view.ts';
import { listApplications, parseListQuery, type ListQuery } from '../read-model/queries.ts';
import { appendStateEvent } from './append.ts';
import { pathId } from './ids.ts';
import { Email, Password, UserIdParams, Username, listQuery } from './schemas.ts';
import type { CommandContext, CommandDefinition } from './types.ts';
import { createAccount } from './user-accounts.ts';

const MANAGERS = ['admin', 'root'] as const;

const RegisterBody = Type.Object(
  { username: Username, email: Email, password: Password },
  { additionalProperties: false },
);

type UserIdInput = { params: Static<typeof UserIdParams> };

function missing(userId: number) {
  return notFound(`No application for user ${userId}`, 'APPLICATION_NOT_FOUND');
}

async function decide(
  ctx: CommandContext,
  userId: number,
  type: 'application.approved' | 'application.rejected',
) {
  const next = type === 'application.approved' ? approveApplication : rejectApplication;
  const appended = await appendStateEvent<UserState>(ctx, {
    entityType: 'application',
    subjectType: 'user',
    entityId: userId,
    eventId: ctx.eventIds.next('main'),
    decide: (current) => {
      if (!current) throw missing(userId);

      return { type, after: next(current, ctx.user!.id, new Date().toISOString()) };
    },
  });

  return { result: applicationOf(appended.after) };
}

export const applicationCommands: CommandDefinition[] = [
  {
    name: 'user.register',
    kind: 'command',
    entityType: 'user',
    action: 'register',
    method: 'POST',
    url: '/api/register',
    successStatus: 201,
    summary: 'Register as a seller; the account stays pending until an admin approves it',
    access: 'anonymous',
    body: RegisterBody,
    idempotent: true,
    async handle(ctx, { body }: { body: Static<typeof RegisterBody> }) {
      return { result: (await createAccount(ctx, body)).after };
    },
  },
  {
    name: 'application.approve',
    kind: 'command',
    entityType: 'application',
    action: 'approve',
    method: 'POST',
    url: '/api/applications/:userId/approve',
    successStatus: 200,
    summary: 'Approve a pending or rejected registration; the user can then log in',
    access: MANAGERS,
    params: UserIdParams,
    idempotent: true,
    handle: (ctx, { params }: UserIdInput) =>
      decide(ctx, pathId(params.userId), 'application.approved'),
  },
  {
    name: 'application.reject',
    kind: 'command',
    entityType: 'application',
    action: 'reject',
    method: 'POST',
    url: '/api/applications/:userId/reject',
    successStatus: 200,
    summary: 'Reject a pending registration; the user cannot log in',
    access: MANAGERS,
    params: UserIdParams,
    idempotent: true,
    handle: (ctx, { params }: UserIdInput) =>
      decide(ctx, pathId(params.userId), 'application.rejected'),
  },
  {
    name: 'application.list',
    kind: 'query',
    entityType: 'application',
    action: 'list',
    method: 'GET',
    url: '/api/applications',
    successStatus: 200,
    summary: 'List registrations by user id, optionally by status',
    access: MANAGERS,
    querystring: listQuery(['pending', 'approved', 'rejected']),
    idempotent: false,
    async handle(ctx, { query }: { query: ListQuery }) {
      return { result: await listApplications(ctx.deps.db, parseListQuery(query)) };
    },
  },
];
