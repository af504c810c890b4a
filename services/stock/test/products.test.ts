import t from 'tap';
import { createProduct, createUser, startStock } from './helpers.ts';

t.test('product create publishes product.created', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();

  const response = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'Widget', price: 12.5, quantity: 5, min_quantity: 1 },
  });

  t.equal(response.status, 201);
  t.match(response.body, { name: 'Widget', price: '12.50', quantity: 5, status: 'active' });
  t.type(response.body.id, 'number');
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1, 'one event');
  const { event, subject } = events[0]!;
  t.equal(subject, `${harness.ctx.subjectPrefix}.state.product.${response.body.id}`);
  t.equal(event.type, 'product.created');
  t.equal(event.action, 'create');
  t.equal(event.status, 'success');
  t.equal(event.entity_id, String(response.body.id));
  t.equal(event.before, null);
  t.same(event.after, response.body);
  t.equal(event.actor?.username, harness.ctx.config.rootUsername);
  t.equal(event.actor?.role, 'root');
});

t.test('product update, delete and activate chain states', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness);
  const before = await harness.lastSequence();

  const updated = await harness.call('PUT', `/api/products/${product.id}`, {
    token: harness.rootToken,
    body: { price: '13.99', quantity: 7 },
  });
  const deleted = await harness.call('DELETE', `/api/products/${product.id}`, {
    token: harness.rootToken,
  });
  const activated = await harness.call('POST', `/api/products/${product.id}/activate`, {
    token: harness.rootToken,
  });

  t.equal(updated.status, 200);
  t.equal(updated.body.price, '13.99');
  t.equal(updated.body.quantity, 7);
  t.equal(deleted.status, 200);
  t.equal(deleted.body.status, 'inactive');
  t.equal(activated.status, 200);
  t.equal(activated.body.status, 'active');
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    ['product.updated', 'product.deleted', 'product.activated'],
  );
  t.same(events[0]!.before, product, 'first before is the created state');
  t.same(events[1]!.before, events[0]!.after);
  t.same(events[2]!.before, events[1]!.after);
  t.same(events[2]!.after, activated.body);

  const fetched = await harness.call('GET', `/api/products/${product.id}`, {
    token: harness.rootToken,
  });
  t.same(fetched.body, activated.body, 'read model returns the last after');
});

t.test('product failures publish one error event each', async (t) => {
  const harness = await startStock(t);
  const seller = await createUser(harness, 'seller', 'seller1');
  const product = await createProduct(harness);
  const cases = [
    {
      name: 'unknown field',
      method: 'POST' as const,
      url: '/api/products',
      token: harness.rootToken,
      body: { name: 'X', price: '1.00', quantity: 1, min_quantity: 0, colour: 'red' },
      status: 400,
      message: /body\.colour is not allowed/,
      type: 'product.create_failed',
    },
    {
      name: 'three decimals',
      method: 'POST' as const,
      url: '/api/products',
      token: harness.rootToken,
      body: { name: 'X', price: '1.005', quantity: 1, min_quantity: 0 },
      status: 400,
      message: /body\.price/,
      type: 'product.create_failed',
    },
    {
      name: 'negative quantity',
      method: 'PUT' as const,
      url: `/api/products/${product.id}`,
      token: harness.rootToken,
      body: { quantity: -1 },
      status: 400,
      message: /body\.quantity/,
      type: 'product.update_failed',
    },
    {
      name: 'no token',
      method: 'POST' as const,
      url: '/api/products',
      token: undefined,
      body: { name: 'X', price: '1.00', quantity: 1, min_quantity: 0 },
      status: 401,
      message: /bearer token/,
      type: 'product.create_failed',
    },
    {
      name: 'seller',
      method: 'DELETE' as const,
      url: `/api/products/${product.id}`,
      token: seller.token,
      body: undefined,
      status: 403,
      message: /seller may not delete/,
      type: 'product.delete_failed',
    },
    {
      name: 'missing product',
      method: 'PUT' as const,
      url: '/api/products/999999',
      token: harness.rootToken,
      body: { quantity: 1 },
      status: 404,
      message: /Product 999999 not found/,
      type: 'product.update_failed',
    },
    {
      name: 'already active',
      method: 'POST' as const,
      url: `/api/products/${product.id}/activate`,
      token: harness.rootToken,
      body: undefined,
      status: 409,
      message: /already active/,
      type: 'product.activate_failed',
    },
  ];

  for (const testCase of cases) {
    const before = await harness.lastSequence();
    const response = await harness.call(testCase.method, testCase.url, {
      token: testCase.token,
      body: testCase.body,
    });
    t.equal(response.status, testCase.status, `${testCase.name}: status`);
    t.match(response.body.message, testCase.message, `${testCase.name}: message`);
    t.same(Object.keys(response.body).sort(), ['code', 'error', 'message', 'statusCode']);
    const events = await harness.eventsAfter(before);
    t.equal(events.length, 1, `${testCase.name}: one event`);
    const { event, subject } = events[0]!;
    t.equal(subject, `${harness.ctx.subjectPrefix}.rejected.product`, `${testCase.name}: subject`);
    t.equal(event.type, testCase.type, `${testCase.name}: type`);
    t.equal(event.status, 'error');
    t.equal(event.error?.code, response.body.code);
    t.equal(event.before, null);
    t.equal(event.after, null);
  }

  const unchanged = await harness.call('GET', `/api/products/${product.id}`, {
    token: harness.rootToken,
  });
  t.same(unchanged.body, product, 'failures changed nothing');
});

t.test('product list pages and filters by status', async (t) => {
  const harness = await startStock(t);
  const first = await createProduct(harness, { name: 'A' });
  await createProduct(harness, { name: 'B' });
  await harness.call('DELETE', `/api/products/${first.id}`, { token: harness.rootToken });

  const active = await harness.call('GET', '/api/products?status=active', {
    token: harness.rootToken,
  });
  const page = await harness.call('GET', '/api/products?limit=1&offset=1', {
    token: harness.rootToken,
  });
  const tooLarge = await harness.call('GET', '/api/products?limit=500', {
    token: harness.rootToken,
  });

  t.equal(active.body.total, 1);
  t.equal(active.body.records[0].name, 'B');
  t.equal(page.body.total, 2);
  t.equal(page.body.records.length, 1);
  t.equal(page.body.records[0].name, 'B');
  t.equal(tooLarge.status, 400);
  t.match(tooLarge.body.message, /querystring\.limit/);
});
