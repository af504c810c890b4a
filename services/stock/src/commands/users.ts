// User administration: create, update and delete (disable) by admin or
// root, and the list and get queries. Admins manage every user below root;
// only root manages root users or grants the root role. No user may disable
// their own account or change their own role.
import { Type, type Static } from '@sinclair/typebox';
import { forbidden, notFound } from '@stock-audit/service-kit';
import { updateCredentials } from '../auth/credentials.ts';
import { hashSecret } from '../auth/passwords.ts';
import {
  assertMayGrant,
  assertMayManage,
  disableUser,
  updateUser,
  type UserState,
} from '../domain/user.ts';
import { getUser, listUsers, parseListQuery, type ListQuery } from '../read-model/queries.ts';
import { appendStateEvent } from './append.ts';
import { pathId } from './ids.ts';
import { Email, IdParams, Password, Role, Username, listQuery } from './schemas.ts';
import type { CommandContext, CommandDefinition } from './types.ts';
import { createAccount } from './user-accounts.ts';

const MANAGERS = ['admin', 'root'] as const;

const CreateBody = Type.Object(
  { username: Username, email: Email, password: Password, role: Role },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    role: Type.Optional(Role),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

type IdInput = { params: Static<typeof IdParams> };

function missing(id: number) {
  return notFound(`User ${id} not found`, 'USER_NOT_FOUND');
}

async function updateUserCommand(ctx: CommandContext, id: number, body: Static<typeof UpdateBody>) {
  const caller = ctx.user!;
  if (body.role !== undefined) assertMayGrant(caller.role, body.role);
  if (id === caller.id && body.role !== undefined && body.role !== caller.role) {
    throw forbidden('Users may not change their own role', 'SELF_CHANGE_FORBIDDEN');
  }
  if (id === caller.id && body.status === 'disabled') {
    throw forbidden('Users may not disable their own account', 'SELF_CHANGE_FORBIDDEN');
  }
  const { db, options } = ctx.deps;
  const passwordHash =
    body.password === undefined
      ? undefined
      : await hashSecret(body.password, options.passwordHashCost);

  const appended = await db.transaction().execute((trx) =>
    appendStateEvent<UserState>(ctx, {
      entityType: 'user',
      entityId: id,
      eventId: ctx.eventIds.next('main'),
      decide: async (current) => {
        if (!current) throw missing(id);
        assertMayManage(caller.role, current.role, id);
        const after = updateUser(
          current,
          {
            username: body.username,
            email: body.email,
            role: body.role,
            status: body.status,
            passwordChanged: passwordHash !== undefined,
          },
          new Date().toISOString(),
        );
        await updateCredentials(trx, id, {
          username: body.username,
          email: body.email,
          passwordHash,
        });

        return { type: 'user.updated', after };
      },
    }),
  );

  return { result: appended.after };
}

export const userCommands: CommandDefinition[] = [
  {
    name: 'user.create',
    kind: 'command',
    entityType: 'user',
    action: 'create',
    method: 'POST',
    url: '/api/users',
    successStatus: 201,
    summary: 'Create an active user (admins create admins and sellers; root any role)',
    access: MANAGERS,
    body: CreateBody,
    idempotent: true,
    async handle(ctx, { body }: { body: Static<typeof CreateBody> }) {
      assertMayGrant(ctx.user!.role, body.role);

      return { result: (await createAccount(ctx, body)).after };
    },
  },
  {
    name: 'user.update',
    kind: 'command',
    entityType: 'user',
    action: 'update',
    method: 'PUT',
    url: '/api/users/:id',
    successStatus: 200,
    summary:
      'Change any of a user’s username, email, password, role and status (active or disabled)',
    access: MANAGERS,
    params: IdParams,
    body: UpdateBody,
    idempotent: true,
    handle: (ctx, { params, body }: IdInput & { body: Static<typeof UpdateBody> }) =>
      updateUserCommand(ctx, pathId(params.id), body),
  },
  {
    name: 'user.delete',
    kind: 'command',
    entityType: 'user',
    action: 'delete',
    method: 'DELETE',
    url: '/api/users/:id',
    successStatus: 200,
    summary: 'Disable a user (soft delete): its tokens stop working and it cannot log in',
    access: MANAGERS,
    params: IdParams,
    idempotent: true,
    async handle(ctx, { params }: IdInput) {
      const id = pathId(params.id);
      const caller = ctx.user!;
      if (id === caller.id) {
        throw forbidden('Users may not disable their own account', 'SELF_CHANGE_FORBIDDEN');
      }
      const appended = await appendStateEvent<UserState>(ctx, {
        entityType: 'user',
        entityId: id,
        eventId: ctx.eventIds.next('main'),
        decide: (current) => {
          if (!current) throw missing(id);
          assertMayManage(caller.role, current.role, id);

          return { type: 'user.deleted', after: disableUser(current, new Date().toISOString()) };
        },
      });

      return { result: appended.after };
    },
  },
  {
    name: 'user.list',
    kind: 'query',
    entityType: 'user',
    action: 'list',
    method: 'GET',
    url: '/api/users',
    successStatus: 200,
    summary: 'List users by id, optionally by status',
    access: MANAGERS,
    querystring: listQuery(['active', 'pending', 'rejected', 'disabled']),
    idempotent: false,
    async handle(ctx, { query }: { query: ListQuery }) {
      return { result: await listUsers(ctx.deps.db, parseListQuery(query)) };
    },
  },
  {
    name: 'user.get',
    kind: 'query',
    entityType: 'user',
    action: 'get',
    method: 'GET',
    url: '/api/users/:id',
    successStatus: 200,
    summary: 'Get one user',
    access: MANAGERS,
    params: IdParams,
    idempotent: false,
    async handle(ctx, { params }: IdInput) {
      const user = await getUser(ctx.deps.db, pathId(params.id));
      if (!user) throw missing(pathId(params.id));

      return { result: user };
    },
  },
];
