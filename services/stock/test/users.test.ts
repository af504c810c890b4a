import t from 'tap';
import { createUser, startStock } from './helpers.ts';

t.test('user create, update and delete publish user events', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();

  const created = await harness.call('POST', '/api/users', {
    token: harness.rootToken,
    body: {
      username: 'alice',
      email: 'alice@example.com',
      password: 'alice-password',
      role: 'seller',
    },
  });
  const updated = await harness.call('PUT', `/api/users/${created.body.id}`, {
    token: harness.rootToken,
    body: { email: 'alice@example.org', password: 'alice-password-2' },
  });
  const deleted = await harness.call('DELETE', `/api/users/${created.body.id}`, {
    token: harness.rootToken,
  });

  t.equal(created.status, 201);
  t.match(created.body, { username: 'alice', role: 'seller', status: 'active', application: null });
  t.notOk('password' in created.body, 'no password in the user');
  t.equal(updated.status, 200);
  t.equal(updated.body.email, 'alice@example.org');
  t.not(updated.body.credentials_changed_at, created.body.credentials_changed_at);
  t.equal(deleted.status, 200);
  t.equal(deleted.body.status, 'disabled');
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    ['user.created', 'user.updated', 'user.deleted'],
  );
  t.same(events[1]!.before, events[0]!.after);
  t.same(events[2]!.before, events[1]!.after);

  const login = await harness.call('POST', '/api/login', {
    body: { username: 'alice', password: 'alice-password-2' },
  });
  t.equal(login.status, 403, 'disabled user cannot log in');
  t.equal(login.body.code, 'ACCOUNT_DISABLED');
});

t.test('disabled user token is refused on next command', async (t) => {
  const harness = await startStock(t);
  const seller = await createUser(harness, 'seller', 'bob');
  const ok = await harness.call('GET', '/api/products', { token: seller.token });
  await harness.call('DELETE', `/api/users/${seller.id}`, { token: harness.rootToken });
  const before = await harness.lastSequence();

  const refused = await harness.call('POST', '/api/sales', {
    token: seller.token,
    body: { items: [{ product_id: 1, quantity: 1 }], payment_method: 'cash' },
  });

  t.equal(ok.status, 200);
  t.equal(refused.status, 401);
  t.equal(refused.body.code, 'ACCOUNT_DISABLED');
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1);
  t.equal(events[0]!.event.type, 'sale.create_failed');
  t.equal(events[0]!.event.actor?.username, 'bob', 'the refusal names the user');
});

t.test('admins manage users below root only', async (t) => {
  const harness = await startStock(t);
  const admin = await createUser(harness, 'admin', 'carol');
  const rootId = Number(
    (await harness.call('GET', '/api/users?limit=1', { token: harness.rootToken })).body.records[0]
      .id,
  );

  const grantRoot = await harness.call('POST', '/api/users', {
    token: admin.token,
    body: { username: 'dave', email: 'dave@example.com', password: 'dave-password', role: 'root' },
  });
  const touchRoot = await harness.call('PUT', `/api/users/${rootId}`, {
    token: admin.token,
    body: { email: 'root@example.com' },
  });
  const createSeller = await harness.call('POST', '/api/users', {
    token: admin.token,
    body: {
      username: 'erin',
      email: 'erin@example.com',
      password: 'erin-password',
      role: 'seller',
    },
  });
  const disableSelf = await harness.call('DELETE', `/api/users/${admin.id}`, {
    token: admin.token,
  });
  const seller = await createUser(harness, 'seller', 'frank');
  const sellerList = await harness.call('GET', '/api/users', { token: seller.token });

  t.equal(grantRoot.status, 403);
  t.equal(touchRoot.status, 403);
  t.equal(createSeller.status, 201);
  t.equal(disableSelf.status, 403);
  t.equal(sellerList.status, 403);
});

t.test('user name and email stay unique', async (t) => {
  const harness = await startStock(t);
  await createUser(harness, 'seller', 'grace');
  const before = await harness.lastSequence();

  const sameName = await harness.call('POST', '/api/users', {
    token: harness.rootToken,
    body: { username: 'GRACE', email: 'other@example.com', password: 'password-1', role: 'seller' },
  });
  const sameEmail = await harness.call('POST', '/api/register', {
    body: { username: 'heidi', email: 'grace@example.com', password: 'password-1' },
  });

  t.equal(sameName.status, 409);
  t.equal(sameName.body.code, 'USERNAME_TAKEN');
  t.equal(sameEmail.status, 409);
  t.equal(sameEmail.body.code, 'EMAIL_TAKEN');
  const events = await harness.eventsAfter(before);
  t.same(
    events.map((stored) => stored.event.type),
    ['user.create_failed', 'user.register_failed'],
  );
  t.match(
    events[1]!.event.error,
    { username: 'heidi' },
    'anonymous failure names the claimed user',
  );
});

t.test('login by email and bad password', async (t) => {
  const harness = await startStock(t);
  const user = await createUser(harness, 'seller', 'ivan');
  const before = await harness.lastSequence();

  const byEmail = await harness.call('POST', '/api/login', {
    body: { email: 'IVAN@example.com', password: user.password },
  });
  const wrong = await harness.call('POST', '/api/login', {
    body: { username: 'ivan', password: 'not-the-password' },
  });
  const unknown = await harness.call('POST', '/api/login', {
    body: { username: 'nobody', password: 'whatever-password' },
  });
  const both = await harness.call('POST', '/api/login', {
    body: { username: 'ivan', email: 'ivan@example.com', password: user.password },
  });

  t.equal(byEmail.status, 200);
  t.same(byEmail.body.user, { id: user.id, username: 'ivan', role: 'seller' });
  t.type(byEmail.body.token, 'string');
  t.equal(wrong.status, 401);
  t.equal(unknown.status, 401);
  t.equal(wrong.body.message, unknown.body.message, 'same message for unknown user');
  t.equal(both.status, 400);
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    ['user.logged_in', 'user.login_failed', 'user.login_failed', 'user.login_failed'],
  );
  t.equal(events[0]!.actor?.id, String(user.id));
  t.equal(events[1]!.entity_id, String(user.id));
  t.match(events[1]!.error, { username: 'ivan' });
  t.match(events[2]!.error, { username: /^no… \(6 chars, sha256 [0-9a-f]{8}\)$/ });
  t.equal(events[2]!.actor, null);
});

t.test('disabled user can be enabled again', async (t) => {
  const harness = await startStock(t);
  const user = await createUser(harness, 'seller', 'olga');
  await harness.call('DELETE', `/api/users/${user.id}`, { token: harness.rootToken });
  const registered = await harness.call('POST', '/api/register', {
    body: { username: 'pia', email: 'pia@example.com', password: 'pia-password' },
  });

  const enabled = await harness.call('PUT', `/api/users/${user.id}`, {
    token: harness.rootToken,
    body: { status: 'active' },
  });
  const pendingEnabled = await harness.call('PUT', `/api/users/${registered.body.id}`, {
    token: harness.rootToken,
    body: { status: 'active' },
  });

  t.equal(enabled.status, 200);
  t.equal(enabled.body.status, 'active');
  t.equal(pendingEnabled.status, 409, 'a pending user is approved, not enabled');
  t.equal(pendingEnabled.body.code, 'APPLICATION_UNDECIDED');
  t.type(await harness.login('olga', user.password), 'string');
});
