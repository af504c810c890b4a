// Shared pieces of the audit API tests: a key pair and token signing, user
// states on the stream, the app on the read-only role, and audit rows seeded
// through the real mapping.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createEvent, encodeEvent, type EventInput } from '@stock-audit/events';
import { createDb } from '@stock-audit/db';
import { projectBatch, type AuditTables } from '@stock-audit/audit-log';
import { publishEvent, stateSubject } from '@stock-audit/jetstream';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
import pino from 'pino';
import { AccountView, type AccountState } from '../src/accounts.ts';
import { buildAuditApp } from '../src/index.ts';

export type AuditContext = TestContext<AuditTables>;

function newKeyPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export const keys = newKeyPair();
export const otherKeys = newKeyPair();
export const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

export interface TokenOptions {
  key?: KeyObject;
  header?: Record<string, unknown>;
  expiresInSeconds?: number;
  unsigned?: boolean;
}

/** Signs an ES256 JWT; options make the broken ones the API must reject. */
export function signToken(claims: Record<string, unknown>, options: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = options.header ?? { alg: 'ES256', typ: 'JWT' };
  const payload = { iat: now, exp: now + (options.expiresInSeconds ?? 3600), ...claims };
  const input = `${base64url(header)}.${base64url(payload)}`;
  if (options.unsigned) return `${input}.`;
  const signature = sign('sha256', Buffer.from(input), {
    key: options.key ?? keys.privateKey,
    dsaEncoding: 'ieee-p1363',
  });

  return `${input}.${signature.toString('base64url')}`;
}

export const users = {
  root: { sub: '1', username: 'root', role: 'root' },
  alice: { sub: '2', username: 'alice', role: 'admin' },
  bob: { sub: '3', username: 'bob', role: 'seller' },
  carol: { sub: '4', username: 'carol', role: 'seller' },
} as const;

export function bearer(claims: Record<string, unknown>, options?: TokenOptions) {
  return { authorization: `Bearer ${signToken(claims, options)}` };
}

export function actor(user: (typeof users)[keyof typeof users]) {
  return { id: user.sub, username: user.username, role: user.role };
}

/** Stores events as audit rows at sequences `firstSequence`, `firstSequence + 1`, ... */
export async function seed(
  ctx: AuditContext,
  inputs: EventInput[],
  firstSequence = 1,
): Promise<void> {
  const messages = inputs.map((input, index) => ({
    sequence: firstSequence + index,
    subject: `${ctx.subjectPrefix}.state.${input.entity_type}.${input.entity_id ?? 'none'}`,
    msgId: null,
    data: encodeEvent(createEvent(input)),
  }));
  const outcome = await projectBatch(ctx.db, messages);
  if (outcome.rejected.length > 0) {
    throw new Error(`seed rejected: ${outcome.rejected.map((entry) => entry.reason).join('; ')}`);
  }
}

type TestUser = (typeof users)[keyof typeof users];

/** Builds a user state as the command side stores it in a user event's `after`. */
export function userState(user: TestUser, changes: Record<string, unknown> = {}) {
  return {
    id: Number(user.sub),
    username: user.username,
    email: `${user.username}@example.com`,
    role: user.role,
    status: 'active',
    credentials_changed_at: '2024-01-01T00:00:00.000Z',
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    application: null,
    ...changes,
  };
}

/** Publishes a user event with `after` on the user's state subject, as the command side does. */
export async function publishUserState(
  ctx: AuditContext,
  user: TestUser,
  changes: Record<string, unknown> = {},
  type = 'user.updated',
): Promise<void> {
  const entityType = type.split('.')[0]!;
  const event = createEvent({
    type,
    entity_type: entityType,
    entity_id: user.sub,
    action: type === 'user.created' ? 'create' : 'update',
    actor: actor(users.root),
    after: userState(user, changes),
  });
  await publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'user', user.sub), event);
}

/** Polls until the view contains a state for `userId` that satisfies `matches`. */
export async function waitForAccount(
  accounts: AccountView,
  userId: string,
  matches: (account: AccountState | undefined) => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (accounts.ready && matches(accounts.find(userId))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the account view did not reach the expected state of user ${userId}`);
}

/**
 * Creates a test database and stream with the four test users active, the
 * account view and the app on the read-only role, all closed on teardown.
 */
export async function setupApp(t: { teardown(fn: () => unknown): void }) {
  const ctx = await createTestContext<AuditTables>(t);
  for (const user of Object.values(users)) await publishUserState(ctx, user, {}, 'user.created');
  const accounts = new AccountView(ctx.js, {
    stream: ctx.streamName,
    subjectPrefix: ctx.subjectPrefix,
    logger: pino({ level: 'silent' }),
  });
  await accounts.start();
  await waitForAccount(accounts, users.carol.sub, (account) => account !== undefined);
  const readerDb = createDb<AuditTables>(ctx.config.auditDatabaseUrl, { max: 2 });
  const app = await buildAuditApp({ db: readerDb, publicKey: publicKeyPem, accounts });
  t.teardown(async () => {
    await app.close();
    await accounts.stop();
    await readerDb.destroy();
  });

  return { ctx, app, readerDb, accounts };
}
