import t from 'tap';
import { findSecrets } from '@stock-audit/events';
import { createProduct, startStock } from './helpers.ts';

const HASH = '$2b$10$abcdefghijklmnopqrstuuKmvD1JpYdC0J3sRkWbXkqPZ7cQf8nhu';

t.test('secret-looking input values get 400 and an event', async (t) => {
  const harness = await startStock(t);
  const { call, rootToken } = harness;
  const product = await createProduct(harness);
  const before = await harness.lastSequence();

  const tokenName = await call('POST', '/api/products', {
    token: rootToken,
    body: { name: rootToken, price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const hashName = await call('PUT', `/api/products/${product.id}`, {
    token: rootToken,
    body: { name: `hash ${HASH}` },
  });
  const payment = await call('POST', '/api/sales', {
    token: rootToken,
    body: { items: [{ product_id: product.id, quantity: 1 }], payment_method: rootToken },
  });
  const fieldName = await call('POST', '/api/products', {
    token: rootToken,
    body: { [rootToken]: 'x', name: 'Widget', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const login = await call('POST', '/api/login', {
    body: { username: rootToken, password: 'whatever-password' },
  });

  t.equal(tokenName.status, 400);
  t.equal(tokenName.body.message, 'body.name must not contain a JSON Web Token or password hash');
  t.equal(hashName.status, 400);
  t.match(hashName.body.message, /^body\.name /);
  t.equal(payment.status, 400);
  t.match(payment.body.message, /^body\.payment_method /);
  t.equal(fieldName.status, 400);
  t.equal(fieldName.body.message, 'body.[redacted] is not allowed');
  t.equal(login.status, 400);
  t.match(login.body.message, /^body\.username /);
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    [
      'product.create_failed',
      'product.update_failed',
      'sale.create_failed',
      'product.create_failed',
      'user.login_failed',
    ],
  );
  for (const event of events) {
    t.same(findSecrets(event), [], `${event.type} passes the guard`);
    t.notOk(JSON.stringify(event).includes(rootToken), `${event.type} omits the token`);
    t.notOk(JSON.stringify(event).includes(HASH), `${event.type} omits the hash`);
  }
  t.type((events[4]!.error as Record<string, unknown>).username, 'string');
});

t.test('password fields may look like a hash', async (t) => {
  const harness = await startStock(t);

  const created = await harness.call('POST', '/api/users', {
    token: harness.rootToken,
    body: { username: 'hasher', email: 'hasher@example.com', password: HASH, role: 'seller' },
  });

  t.equal(created.status, 201);
  t.type(await harness.login('hasher', HASH), 'string');
});
