import t from 'tap';
import { createUser, startStock } from './helpers.ts';

t.test('reset request sends a code and changes password once', async (t) => {
  const harness = await startStock(t);
  const user = await createUser(harness, 'seller', 'liam');
  const before = await harness.lastSequence();

  const requested = await harness.call('POST', '/api/users/reset-password', {
    body: { email: 'liam@example.com' },
  });
  const notice = harness.notices.at(-1)!;
  const changed = await harness.call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'liam', code: notice.code, new_password: 'liam-new-password' },
  });
  const reused = await harness.call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'liam', code: notice.code, new_password: 'liam-third-password' },
  });
  const oldLogin = await harness.call('POST', '/api/login', {
    body: { username: 'liam', password: user.password },
  });
  const newLogin = await harness.call('POST', '/api/login', {
    body: { username: 'liam', password: 'liam-new-password' },
  });

  t.equal(requested.status, 202);
  t.equal(notice.user_id, user.id);
  t.match(notice.code, /^[0-9]{8}$/);
  t.equal(changed.status, 200);
  t.equal(reused.status, 400, 'the code works once');
  t.equal(oldLogin.status, 401);
  t.equal(newLogin.status, 200);
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    [
      'user.password_reset_requested',
      'user.password_changed',
      'user.change_password_failed',
      'user.login_failed',
      'user.logged_in',
    ],
  );
  t.equal(events[0]!.entity_id, String(user.id));
  t.equal(events[1]!.actor?.id, String(user.id));
  t.not(events[1]!.after?.credentials_changed_at, events[1]!.before?.credentials_changed_at);
  const stored = await harness.ctx.db.selectFrom('password_reset_codes').selectAll().execute();
  t.equal(stored.length, 0, 'used code deleted');
});

t.test('reset request for unknown user answers 202', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();

  const response = await harness.call('POST', '/api/users/reset-password', {
    body: { username: 'nobody' },
  });

  t.equal(response.status, 202);
  t.equal(harness.notices.length, 0, 'no code sent');
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1);
  t.equal(events[0]!.event.type, 'user.reset_password_failed');
  t.equal(events[0]!.event.error?.code, 'USER_NOT_FOUND');
  t.match(events[0]!.event.error, { username: /^no… \(6 chars, sha256 [0-9a-f]{8}\)$/ });
});

t.test('reset code stops after too many wrong attempts', async (t) => {
  const harness = await startStock(t);
  await createUser(harness, 'seller', 'mia');
  await harness.call('POST', '/api/users/reset-password', { body: { username: 'mia' } });
  const code = harness.notices.at(-1)!.code;
  const wrong = code === '00000000' ? '11111111' : '00000000';

  const attempts = [];
  for (let index = 0; index < 3; index++) {
    attempts.push(
      await harness.call('POST', '/api/users/reset-password/change-password', {
        body: { username: 'mia', code: wrong, new_password: 'mia-new-password' },
      }),
    );
  }
  const right = await harness.call('POST', '/api/users/reset-password/change-password', {
    body: { username: 'mia', code, new_password: 'mia-new-password' },
  });

  t.same(
    attempts.map((attempt) => attempt.status),
    [400, 400, 400],
  );
  t.equal(right.status, 400, 'the right code is void after the limit');
  t.match(right.body.message, /request/);
});

t.test('stored reset code is a hash', async (t) => {
  const harness = await startStock(t);
  await createUser(harness, 'seller', 'noah');
  await harness.call('POST', '/api/users/reset-password', { body: { username: 'noah' } });
  const code = harness.notices.at(-1)!.code;

  const row = await harness.ctx.db
    .selectFrom('password_reset_codes')
    .selectAll()
    .executeTakeFirstOrThrow();

  t.notOk(row.code_hash.includes(code));
  t.match(row.code_hash, /^\$scrypt\$/);
  t.ok(row.expires_at.getTime() > Date.now());
});
