import t from 'tap';
import { createHash } from 'node:crypto';
import { maskIdentity } from '../src/commands/claimed-identity.ts';
import { createUser, startStock } from './helpers.ts';

function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

t.test('maskIdentity shows prefix, length, fingerprint', async (t) => {
  t.equal(maskIdentity('in-password'), `in… (11 chars, sha256 ${fingerprint('in-password')})`);
  t.equal(maskIdentity('abc'), `… (3 chars, sha256 ${fingerprint('abc')})`, 'short: no prefix');
  t.equal(maskIdentity('ünïcode'), `ün… (7 chars, sha256 ${fingerprint('ünïcode')})`);
  t.notOk(maskIdentity('\u0000\u0001xyzw').includes('\u0000'), 'control characters escaped');
});

t.test('failed login records unknown names masked', async (t) => {
  const harness = await startStock(t);
  const user = await createUser(harness, 'seller', 'ivan');
  const before = await harness.lastSequence();

  for (const username of [user.password, user.password, 'ivan', 'IVAN', 'ivan@example.com']) {
    const response = await harness.call('POST', '/api/login', {
      body: { username, password: 'not-the-password' },
    });
    t.equal(response.status, 401, `login as ${username} fails`);
  }

  const recorded = (await harness.eventsAfter(before)).map(
    (stored) => (stored.event.error as Record<string, unknown>).username,
  );
  const masked = `iv… (13 chars, sha256 ${fingerprint(user.password)})`;
  t.equal(recorded[0], masked, 'a password typed as the user name is masked');
  t.equal(recorded[1], masked, 'repeated attempts can be matched');
  t.equal(recorded[2], 'ivan', 'an existing user name is kept');
  t.equal(recorded[3], 'IVAN', 'kept as typed');
  t.equal(recorded[4], 'ivan@example.com', 'an existing email is kept');
  const text = JSON.stringify(await harness.eventsAfter(before));
  t.notOk(text.includes(user.password), 'the password is in no event');
});

t.test('failed registration keeps a valid user name', async (t) => {
  const harness = await startStock(t);
  await createUser(harness, 'seller', 'grace');
  const before = await harness.lastSequence();

  await harness.call('POST', '/api/register', {
    body: { username: 'heidi', email: 'grace@example.com', password: 'password-1' },
  });
  await harness.call('POST', '/api/register', {
    body: { username: 'not a name!', email: 'new@example.com', password: 'password-1' },
  });

  const recorded = (await harness.eventsAfter(before)).map(
    (stored) => (stored.event.error as Record<string, unknown>).username,
  );
  t.equal(recorded[0], 'heidi');
  t.equal(recorded[1], `no… (11 chars, sha256 ${fingerprint('not a name!')})`);
});
