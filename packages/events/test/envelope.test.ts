import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  EventEnvelopeSchema,
  InvalidEventError,
  REDACTED_CHANGED,
  assertEvent,
  checkEvent,
  createEvent,
  decodeEvent,
  findSecrets,
  redactSecrets,
  redactSecretText,
  containsSecretValue,
} from '@stock-audit/events';

function validEvent() {
  return createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '14',
    action: 'update',
    actor: { id: '1', username: 'root', role: 'root' },
    client_ip: '127.0.0.1',
    before: { name: 'Tea', price: '10.00' },
    after: { name: 'Tea', price: '12.50' },
    correlation_id: 'req-1',
  });
}

t.test('valid event passes', async (t) => {
  t.same(checkEvent(validEvent()), []);
  t.ok(assertEvent(validEvent()));
});

const requiredFields = Object.keys(EventEnvelopeSchema.properties);

for (const field of requiredFields) {
  t.test(`event without ${field} fails`, async (t) => {
    const event: Record<string, unknown> = { ...validEvent() };
    delete event[field];

    t.match(checkEvent(event), [`${field} is missing`]);
  });
}

const wrongTypes: [string, unknown][] = [
  ['id', 'not-a-uuid'],
  ['type', 'Updated'],
  ['schema_version', '1'],
  ['schema_version', 0],
  ['entity_type', 7],
  ['entity_id', 14],
  ['action', ''],
  ['status', 'ok'],
  ['error', 'boom'],
  ['actor', { id: '1' }],
  ['client_ip', 127],
  ['before', 'state'],
  ['after', []],
  ['occurred_at', '2026-12-04 10:00'],
  ['occurred_at', '2026-12-04T10:00:00+01:00'],
  ['correlation_id', 5],
  ['causation_id', false],
];

for (const [field, value] of wrongTypes) {
  t.test(`${field} of ${JSON.stringify(value)} fails`, async (t) => {
    const problems = checkEvent({ ...validEvent(), [field]: value });

    t.ok(problems.length > 0, 'rejected');
    t.match(problems.join('; '), field);
  });
}

t.test('unknown field fails', async (t) => {
  t.match(checkEvent({ ...validEvent(), extra: 1 }), ['extra is not an envelope field']);
});

t.test('error status needs an error object', async (t) => {
  t.match(checkEvent({ ...validEvent(), status: 'error' }), [/error is required/]);
  t.same(
    checkEvent({ ...validEvent(), status: 'error', error: { code: 'NOT_FOUND', message: 'x' } }),
    [],
  );
  t.match(checkEvent({ ...validEvent(), error: { code: 'X', message: 'x' } }), [
    /error must be null/,
  ]);
});

t.test('secret at depth 3 is rejected', async (t) => {
  const event = { ...validEvent(), after: { profile: { credentials: { Password_Hash: 'abc' } } } };
  const problems = checkEvent(event);

  t.same(problems, ['after.profile.credentials.Password_Hash holds a secret']);
  t.throws(() => assertEvent(event), InvalidEventError);
});

t.test('each secret key name is rejected in any case', async (t) => {
  for (const key of [
    'password',
    'PASSWORD',
    'password_hash',
    'reset_code',
    'resetCode',
    'token',
    'accessToken',
    'secret',
  ]) {
    t.same(
      checkEvent({ ...validEvent(), before: { [key]: 'x' } }),
      [`before.${key} holds a secret`],
      key,
    );
  }
});

t.test('secrets in arrays and error are rejected', async (t) => {
  t.same(checkEvent({ ...validEvent(), after: { items: [{ token: 'x' }] } }), [
    'after.items.0.token holds a secret',
  ]);
  t.same(
    checkEvent({
      ...validEvent(),
      status: 'error',
      error: { code: 'X', message: 'm', secret: 's' },
    }),
    ['error.secret holds a secret'],
  );
});

t.test('hash and JWT values are rejected under any key', async (t) => {
  const hash = '$2b$10$abcdefghijklmnopqrstuv';
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

  t.same(checkEvent({ ...validEvent(), after: { note: hash } }), [
    'after.note holds a secret-looking value',
  ]);
  t.same(checkEvent({ ...validEvent(), after: { note: jwt } }), [
    'after.note holds a secret-looking value',
  ]);
});

t.test('redaction marker is accepted', async (t) => {
  t.same(checkEvent({ ...validEvent(), after: { user: { password: REDACTED_CHANGED } } }), []);
  t.same(checkEvent({ ...validEvent(), after: { password: null } }), []);
});

t.test('redactSecrets replaces every secret value', async (t) => {
  const redacted = redactSecrets({ a: { password: 'p', list: [{ token: 't' }] }, name: 'n' });

  t.same(findSecrets(redacted), []);
  t.equal(redacted.name, 'n');
});

t.test('decodeEvent rejects bytes that are not JSON', async (t) => {
  const error = t.throws(() => decodeEvent(new TextEncoder().encode('{nope'))) as InvalidEventError;

  t.match(error.message, /payload is not JSON/);
});

t.test('published schema file matches the source schema', async (t) => {
  const file = JSON.parse(
    readFileSync(new URL('../schema/event-envelope.schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const { $schema: _draft, ...rest } = file;

  t.same(
    rest,
    JSON.parse(JSON.stringify(EventEnvelopeSchema)),
    'run `npm run schema -w @stock-audit/events`',
  );
});

t.test('secret inside a longer string is rejected', async (t) => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

  t.same(checkEvent({ ...validEvent(), after: { note: `token was ${jwt} here` } }), [
    'after.note holds a secret-looking value',
  ]);
});

t.test('redactSecretText masks hashes and tokens', async (t) => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

  t.equal(redactSecretText(`field ${jwt} is not allowed`), 'field [redacted] is not allowed');
  t.equal(redactSecretText('hash $2b$10$abcdefghijklmnopqrstuv end'), 'hash [redacted] end');
  t.equal(redactSecretText('plain text'), 'plain text');
  t.equal(containsSecretValue(`a ${jwt}`), true);
  t.equal(containsSecretValue('plain text'), false);
});

t.test('NUL character anywhere is rejected', async (t) => {
  t.same(checkEvent({ ...validEvent(), after: { name: 'x\u0000y' } }), [
    'after.name contains a NUL character, which PostgreSQL text and jsonb cannot store',
  ]);
  t.match(checkEvent({ ...validEvent(), correlation_id: 'a\u0000' }), [
    /^correlation_id contains a NUL/,
  ]);
});

t.test('lone surrogate anywhere is rejected', async (t) => {
  t.same(checkEvent({ ...validEvent(), after: { name: 'lone\ud800' } }), [
    'after.name contains a lone UTF-16 surrogate, which PostgreSQL text and jsonb cannot store',
  ]);
  t.same(
    checkEvent({ ...validEvent(), after: { name: 'pair \ud83d\ude00 ok' } }),
    [],
    'a surrogate pair is fine',
  );
});
