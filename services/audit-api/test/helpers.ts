// Shared pieces of the audit API tests: a key pair and token signing, the
// app on the read-only role, and audit rows seeded through the real mapping.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createEvent, encodeEvent, type EventInput } from '@stock-audit/events';
import { createDb } from '@stock-audit/db';
import { projectBatch, type AuditTables } from '@stock-audit/audit-log';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
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

/** Creates a test database and the app on the read-only role, both closed on teardown. */
export async function setupApp(t: { teardown(fn: () => unknown): void }) {
  const ctx = await createTestContext<AuditTables>(t, { createStream: false });
  const readerDb = createDb<AuditTables>(ctx.config.auditDatabaseUrl, { max: 2 });
  const app = await buildAuditApp({ db: readerDb, publicKey: publicKeyPem });
  t.teardown(async () => {
    await app.close();
    await readerDb.destroy();
  });

  return { ctx, app, readerDb };
}
