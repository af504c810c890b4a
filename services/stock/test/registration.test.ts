import t from 'tap';
import { describeEvent } from '@stock-audit/audit-log';
import { activitySubject } from '@stock-audit/jetstream';
import { applyStateEvent } from '../src/read-model/apply.ts';
import { startStock } from './helpers.ts';

const applicant = { username: 'judy', email: 'judy@example.com', password: 'judy-password' };

t.test('register then approve then login', async (t) => {
  const harness = await startStock(t);
  const registered = await harness.call('POST', '/api/register', { body: applicant });
  const pendingLogin = await harness.call('POST', '/api/login', {
    body: { username: 'judy', password: 'judy-password' },
  });
  const pending = await harness.call('GET', '/api/applications?status=pending', {
    token: harness.rootToken,
  });
  const before = await harness.lastSequence();

  const approved = await harness.call('POST', `/api/applications/${registered.body.id}/approve`, {
    token: harness.rootToken,
  });
  const login = await harness.call('POST', '/api/login', {
    body: { username: 'judy', password: 'judy-password' },
  });

  t.equal(registered.status, 201);
  t.match(registered.body, {
    status: 'pending',
    role: 'seller',
    application: { status: 'pending' },
  });
  t.equal(pendingLogin.status, 403);
  t.equal(pendingLogin.body.code, 'ACCOUNT_PENDING');
  t.match(pendingLogin.body.message, /awaiting approval/);
  t.equal(pending.body.total, 1);
  t.equal(pending.body.records[0].username, 'judy');
  t.equal(approved.status, 200);
  t.match(approved.body, { user_id: registered.body.id, status: 'approved' });
  t.equal(login.status, 200);
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.equal(events[0]!.type, 'application.approved');
  t.equal(events[0]!.entity_type, 'application');
  t.equal(events[0]!.entity_id, String(registered.body.id));
  t.same(events[0]!.before, registered.body, 'before is the registered user');
  t.equal(events[0]!.after?.status, 'active');
  t.equal(events[1]!.type, 'user.logged_in');
});

t.test('login event chains the user trail', async (t) => {
  const harness = await startStock(t);
  const start = await harness.lastSequence();
  const registered = await harness.call('POST', '/api/register', { body: applicant });
  await harness.call('POST', `/api/applications/${registered.body.id}/approve`, {
    token: harness.rootToken,
  });
  const rowBefore = await harness.ctx.db
    .selectFrom('users')
    .select('last_sequence')
    .where('id', '=', registered.body.id)
    .executeTakeFirstOrThrow();

  const login = await harness.call('POST', '/api/login', {
    body: { username: 'judy', password: 'judy-password' },
  });

  t.equal(login.status, 200);
  const stored = await harness.eventsAfter(start);
  t.same(
    stored.map(({ event }) => event.type),
    ['user.registered', 'application.approved', 'user.logged_in'],
  );
  const [register, approve, loggedIn] = stored.map(({ event }) => event);
  t.same(approve!.before, register!.after, 'approve follows register');
  t.same(loggedIn!.before, approve!.after, 'login follows approve');
  t.same(loggedIn!.after, approve!.after, 'login changes nothing');
  t.equal(loggedIn!.after?.status, 'active');
  t.equal(
    stored[2]!.subject,
    activitySubject(harness.ctx.subjectPrefix, 'user'),
    'login stays off the state subject',
  );
  t.equal(describeEvent(loggedIn!), 'judy logged in');

  const applied = await applyStateEvent(harness.ctx.db, loggedIn!, stored[2]!.sequence);
  const rowAfter = await harness.ctx.db
    .selectFrom('users')
    .select('last_sequence')
    .where('id', '=', registered.body.id)
    .executeTakeFirstOrThrow();
  t.equal(applied, false, 'the read model ignores a login');
  t.equal(rowAfter.last_sequence, rowBefore.last_sequence);
});

t.test('register then reject refuses login', async (t) => {
  const harness = await startStock(t);
  const registered = await harness.call('POST', '/api/register', { body: applicant });

  const rejected = await harness.call('POST', `/api/applications/${registered.body.id}/reject`, {
    token: harness.rootToken,
  });
  const rejectAgain = await harness.call('POST', `/api/applications/${registered.body.id}/reject`, {
    token: harness.rootToken,
  });
  const before = await harness.lastSequence();
  const login = await harness.call('POST', '/api/login', {
    body: { username: 'judy', password: 'judy-password' },
  });

  t.equal(rejected.status, 200);
  t.equal(rejected.body.status, 'rejected');
  t.equal(rejectAgain.status, 409);
  t.equal(login.status, 403);
  t.equal(login.body.code, 'ACCOUNT_REJECTED');
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1, 'the refused login is audited');
  t.equal(events[0]!.event.type, 'user.login_failed');
  t.equal(events[0]!.event.error?.code, 'ACCOUNT_REJECTED');
});

t.test('application commands need admin and an application', async (t) => {
  const harness = await startStock(t);
  const registered = await harness.call('POST', '/api/register', { body: applicant });
  const rootId = (await harness.call('GET', '/api/users?limit=1', { token: harness.rootToken }))
    .body.records[0].id;

  const anonymous = await harness.call('POST', `/api/applications/${registered.body.id}/approve`);
  const noApplication = await harness.call('POST', `/api/applications/${rootId}/approve`, {
    token: harness.rootToken,
  });
  const missing = await harness.call('POST', '/api/applications/987654/approve', {
    token: harness.rootToken,
  });
  const unknownField = await harness.call('POST', '/api/register', {
    body: { ...applicant, username: 'kim', email: 'kim@example.com', role: 'root' },
  });

  t.equal(anonymous.status, 401);
  t.equal(noApplication.status, 404);
  t.equal(missing.status, 404);
  t.equal(unknownField.status, 400);
  t.match(unknownField.body.message, /body\.role is not allowed/);
});
