import t from 'tap';
import { commandSubject } from '@stock-audit/jetstream';
import { canonicalJson } from '../src/commands/idempotency.ts';
import { createProduct, startStock } from './helpers.ts';

t.test('path ids allow at most 15 digits', async (t) => {
  const harness = await startStock(t);

  const sixteen = await harness.call('GET', '/api/products/1234567890123456', {
    token: harness.rootToken,
  });
  const fifteen = await harness.call('GET', '/api/products/123456789012345', {
    token: harness.rootToken,
  });

  t.equal(sixteen.status, 400);
  t.match(sixteen.body.message, /^params\.id /);
  t.equal(fifteen.status, 404);
});

t.test('canonicalJson ignores key order', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: 3 } }),
    '{"a":{"c":3,"d":[2,{"x":2,"y":1}]},"b":1}',
  );
});

t.test('idempotent retry may reorder keys', async (t) => {
  const harness = await startStock(t);
  const headers = { 'idempotency-key': 'reordered-1' };

  const first = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    headers,
    body: { name: 'Widget', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const retry = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    headers,
    body: { min_quantity: 0, quantity: 1, price: '1.00', name: 'Widget' },
  });

  t.equal(first.status, 201);
  t.equal(retry.status, 201);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.same(retry.body, first.body);
});

t.test('malformed NATS requests get 400', async (t) => {
  const harness = await startStock(t);
  const subject = commandSubject(harness.ctx.subjectPrefix, 'product.create');
  const ask = async (payload: string) => {
    const reply = await harness.ctx.nc.request(subject, payload, { timeout: 5000 });

    return JSON.parse(new TextDecoder().decode(reply.data));
  };

  const notJson = await ask('{"token": ');
  const numericToken = await ask(JSON.stringify({ token: 42, body: {} }));

  t.equal(notJson.error.statusCode, 400);
  t.match(notJson.error.message, /^request is not valid JSON/);
  t.equal(numericToken.error.statusCode, 400);
  t.equal(numericToken.error.message, 'request.token must be a string');
});

t.test('root email passes the email check', async (t) => {
  const harness = await startStock(t);
  const root = await harness.call('GET', '/api/users?limit=1', { token: harness.rootToken });
  const { id, email } = root.body.records[0];

  const updated = await harness.call('PUT', `/api/users/${id}`, {
    token: harness.rootToken,
    body: { email },
  });

  t.equal(updated.status, 200, `email ${email} accepted`);
});

t.test('enum errors list accepted values', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness);

  const role = await harness.call('POST', '/api/users', {
    token: harness.rootToken,
    body: { username: 'uma', email: 'uma@example.com', password: 'uma-password', role: 'boss' },
  });
  const status = await harness.call('GET', '/api/products?status=gone', {
    token: harness.rootToken,
  });
  const saleStatus = await harness.call('PUT', `/api/sales/${product.id}`, {
    token: harness.rootToken,
    body: { status: 'gone' },
  });

  t.equal(role.status, 400);
  t.equal(role.body.message, 'body.role must be one of "root", "admin", "seller"');
  t.equal(status.status, 400);
  t.equal(status.body.message, 'querystring.status must be one of "active", "inactive"');
  t.equal(saleStatus.status, 400);
  t.match(saleStatus.body.message, /^body\.status must be one of /);
});
