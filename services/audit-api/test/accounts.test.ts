import t from 'tap';
import pino from 'pino';
import { createTestContext } from '@stock-audit/testkit';
import type { AuditTables } from '@stock-audit/audit-log';
import { createDb } from '@stock-audit/db';
import { AccountView } from '../src/accounts.ts';
import { buildAuditApp } from '../src/index.ts';
import {
  bearer,
  publicKeyPem,
  publishUserState,
  setupApp,
  users,
  waitForAccount,
} from './helpers.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

t.test('disabled user: old token 401, enabled again 200', async (t) => {
  const { ctx, app, accounts } = await setupApp(t);
  const token = bearer(users.bob);
  t.equal((await app.inject({ url: '/api/user/3', headers: token })).statusCode, 200);

  await publishUserState(ctx, users.bob, { status: 'disabled' }, 'user.deleted');
  await waitForAccount(accounts, '3', (account) => account?.status === 'disabled');
  const refused = await app.inject({ url: '/api/user/3', headers: token });
  t.equal(refused.statusCode, 401);
  t.equal(refused.json().code, 'ACCOUNT_DISABLED');
  t.match(refused.json().message, /bob is disabled/);

  await publishUserState(ctx, users.bob, { status: 'active' });
  await waitForAccount(accounts, '3', (account) => account?.status === 'active');
  t.equal((await app.inject({ url: '/api/user/3', headers: bearer(users.bob) })).statusCode, 200);
});

t.test('unknown or pending user gets ACCOUNT_DISABLED', async (t) => {
  const { ctx, app, accounts } = await setupApp(t);
  const stranger = await app.inject({
    url: '/api/user/99',
    headers: bearer({ sub: '99', username: 'mallory', role: 'seller' }),
  });
  t.equal(stranger.statusCode, 401);
  t.equal(stranger.json().code, 'ACCOUNT_DISABLED');

  await publishUserState(ctx, users.carol, { status: 'pending' }, 'user.registered');
  await waitForAccount(accounts, '4', (account) => account?.status === 'pending');
  const pending = await app.inject({ url: '/api/user/4', headers: bearer(users.carol) });
  t.equal(pending.statusCode, 401);
  t.equal(pending.json().code, 'ACCOUNT_DISABLED');

  // Approval lives on the user's subject with entity_type application.
  await publishUserState(ctx, users.carol, { status: 'active' }, 'application.approved');
  await waitForAccount(accounts, '4', (account) => account?.status === 'active');
  t.equal((await app.inject({ url: '/api/user/4', headers: bearer(users.carol) })).statusCode, 200);
});

t.test('demoted admin: old token 401, new token 403', async (t) => {
  const { ctx, app, accounts } = await setupApp(t);
  const adminToken = bearer(users.alice);
  t.equal((await app.inject({ url: '/api/entity/user/3', headers: adminToken })).statusCode, 200);

  await publishUserState(ctx, users.alice, { role: 'seller' });
  await waitForAccount(accounts, '2', (account) => account?.role === 'seller');
  const refused = await app.inject({ url: '/api/entity/user/3', headers: adminToken });
  t.equal(refused.statusCode, 401);
  t.equal(refused.json().code, 'ROLE_CHANGED');
  t.match(refused.json().message, /log in again/);

  const sellerToken = bearer({ ...users.alice, role: 'seller' });
  t.equal((await app.inject({ url: '/api/user/2', headers: sellerToken })).statusCode, 200);
  const trail = await app.inject({ url: '/api/entity/user/3', headers: sellerToken });
  t.equal(trail.statusCode, 403, 'the fresh token carries the new role');
});

t.test('password change: older token 401, fresh token 200', async (t) => {
  const { ctx, app, accounts } = await setupApp(t);
  const issuedBefore = nowSeconds() - 60;
  const oldToken = bearer({ ...users.bob, iat: issuedBefore });
  t.equal((await app.inject({ url: '/api/user/3', headers: oldToken })).statusCode, 200);

  const changedAt = new Date().toISOString();
  await publishUserState(ctx, users.bob, { credentials_changed_at: changedAt });
  await waitForAccount(
    accounts,
    '3',
    (account) => account?.credentialsChangedAt === Date.parse(changedAt),
  );
  const refused = await app.inject({ url: '/api/user/3', headers: oldToken });
  t.equal(refused.statusCode, 401);
  t.equal(refused.json().code, 'CREDENTIALS_CHANGED');

  // A token issued in the same second as the change is the fresh login.
  const fresh = bearer({ ...users.bob, iat: Math.floor(Date.parse(changedAt) / 1000) });
  t.equal((await app.inject({ url: '/api/user/3', headers: fresh })).statusCode, 200);
});

t.test('last state per user wins on start', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishUserState(ctx, users.bob, {}, 'user.created');
  await publishUserState(ctx, users.bob, { role: 'admin' });
  await publishUserState(ctx, users.bob, { role: 'admin', status: 'disabled' }, 'user.deleted');
  await publishUserState(ctx, users.carol, {}, 'user.created');

  const accounts = new AccountView(ctx.js, {
    stream: ctx.streamName,
    subjectPrefix: ctx.subjectPrefix,
    logger: pino({ level: 'silent' }),
  });
  const readerDb = createDb<AuditTables>(ctx.config.auditDatabaseUrl, { max: 1 });
  const app = await buildAuditApp({ db: readerDb, publicKey: publicKeyPem, accounts });
  t.teardown(async () => {
    await app.close();
    await accounts.stop();
    await readerDb.destroy();
  });

  const before = await app.inject('/ready');
  t.equal(before.statusCode, 503, 'not ready before the view starts');
  t.match(before.json().checks, { accounts: /still loading/ });
  const early = await app.inject({ url: '/api/user/4', headers: bearer(users.carol) });
  t.equal(early.statusCode, 503);

  await accounts.start();
  await waitForAccount(accounts, '4', (account) => account !== undefined);
  t.same(accounts.find('3'), {
    status: 'disabled',
    role: 'admin',
    credentialsChangedAt: Date.parse('2024-01-01T00:00:00.000Z'),
  });
  const ready = await app.inject('/ready');
  t.equal(ready.statusCode, 200);
  t.same(ready.json().checks, { database: 'ok', accounts: 'ok' });
});

t.test('empty stream is ready at once', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  const accounts = new AccountView(ctx.js, {
    stream: ctx.streamName,
    subjectPrefix: ctx.subjectPrefix,
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => accounts.stop());
  await accounts.start();

  t.equal(accounts.ready, true);
  t.equal(accounts.find('1'), undefined);
});
