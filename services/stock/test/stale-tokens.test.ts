import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandSubject } from '@stock-audit/jetstream';
import { createUser, startStock, type Harness } from './helpers.ts';

/** Waits until the wall clock enters the next whole second, as token `iat` counts seconds. */
async function nextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 20);
}

async function listOverNats(harness: Harness, token: string) {
  const { nc, subjectPrefix } = harness.ctx;
  const message = await nc.request(
    commandSubject(subjectPrefix, 'product.list'),
    JSON.stringify({ token }),
    { timeout: 5000 },
  );

  return JSON.parse(new TextDecoder().decode(message.data));
}

t.test('token of a demoted admin gets ROLE_CHANGED', async (t) => {
  const harness = await startStock(t);
  const admin = await createUser(harness, 'admin', 'amy');
  const demoted = await harness.call('PUT', `/api/users/${admin.id}`, {
    token: harness.rootToken,
    body: { role: 'seller' },
  });
  t.equal(demoted.status, 200);

  const http = await harness.call('GET', '/api/products', { token: admin.token });
  const nats = await listOverNats(harness, admin.token);
  const fresh = await harness.call('GET', '/api/products', {
    token: await harness.login('amy', admin.password),
  });

  t.equal(http.status, 401);
  t.equal(http.body.code, 'ROLE_CHANGED');
  t.match(http.body.message, /from admin to seller; log in again/);
  t.equal(nats.ok, false);
  t.equal(nats.error.statusCode, 401);
  t.equal(nats.error.code, 'ROLE_CHANGED');
  t.equal(fresh.status, 200, 'a token issued after the change works');
});

t.test('token issued before a password change gets CREDENTIALS_CHANGED', async (t) => {
  const harness = await startStock(t);
  const updated = await createUser(harness, 'seller', 'bob');
  const reset = await createUser(harness, 'seller', 'cleo');
  const before = await harness.call('GET', '/api/products', { token: updated.token });
  t.equal(before.status, 200, 'the token works before the change');
  await nextSecond();

  const changed = await harness.call('PUT', `/api/users/${updated.id}`, {
    token: harness.rootToken,
    body: { password: 'bob-new-password' },
  });
  t.equal(changed.status, 200);
  await harness.call('POST', '/api/users/reset-password', { body: { username: 'cleo' } });
  const resetDone = await harness.call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'cleo', code: harness.notices.at(-1)!.code, new_password: 'cleo-new-pw-1' },
  });
  t.equal(resetDone.status, 200);

  for (const [name, oldToken, password] of [
    ['bob', updated.token, 'bob-new-password'],
    ['cleo', reset.token, 'cleo-new-pw-1'],
  ] as const) {
    const http = await harness.call('GET', '/api/products', { token: oldToken });
    const nats = await listOverNats(harness, oldToken);
    const fresh = await harness.call('GET', '/api/products', {
      token: await harness.login(name, password),
    });

    t.equal(http.status, 401, `${name}: old token over HTTP`);
    t.equal(http.body.code, 'CREDENTIALS_CHANGED', `${name}: HTTP code`);
    t.match(http.body.message, /changed after this token was issued; log in again/);
    t.equal(nats.error?.statusCode, 401, `${name}: old token over NATS`);
    t.equal(nats.error?.code, 'CREDENTIALS_CHANGED', `${name}: NATS code`);
    t.equal(fresh.status, 200, `${name}: a token issued after the change works`);
  }
});

t.test('token without iat gets CREDENTIALS_CHANGED', async (t) => {
  const harness = await startStock(t);
  const user = await createUser(harness, 'seller', 'dina');
  const token = harness.app.jwt.sign(
    { sub: String(user.id), username: 'dina', role: 'seller' },
    { noTimestamp: true },
  );

  const response = await harness.call('GET', '/api/products', { token });

  t.equal(response.status, 401);
  t.equal(response.body.code, 'CREDENTIALS_CHANGED');
});
