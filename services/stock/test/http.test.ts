import t from 'tap';
import { startStock } from './helpers.ts';

t.test('health, readiness, metrics and OpenAPI', async (t) => {
  const harness = await startStock(t);
  await harness.call('GET', '/api/products', { token: harness.rootToken });

  const health = await harness.call('GET', '/health');
  const ready = await harness.call('GET', '/ready');
  const docs = await harness.call('GET', '/docs/json');
  const metrics = await harness.app.inject({ method: 'GET', url: '/metrics' });

  t.equal(health.status, 200);
  t.equal(ready.status, 200);
  t.same(ready.body.checks, { database: 'ok', nats: 'ok' });
  t.equal(docs.status, 200);
  t.ok(docs.body.paths['/api/products'].post, 'product create documented');
  t.ok(docs.body.paths['/api/users/reset-password/change-password'].post);
  t.ok(docs.body.paths['/api/applications/{userId}/approve'].post);
  t.match(metrics.body, /stock_commands_total\{action="product.list",status="200"\} 1/);
  t.match(
    metrics.body,
    /stock_command_duration_seconds_count\{action="user.login",status="200"\} 1/,
  );
});

t.test('malformed JSON is audited as a 400', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();

  const response = await harness.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: { authorization: `Bearer ${harness.rootToken}`, 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  const empty = await harness.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: { authorization: `Bearer ${harness.rootToken}`, 'content-type': 'application/json' },
    payload: '',
  });

  t.equal(response.statusCode, 400);
  t.match(response.json().message, /body is not valid JSON/);
  t.equal(empty.statusCode, 400);
  t.match(empty.json().message, /body must be object/);
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 2);
  t.equal(events[0]!.event.type, 'product.create_failed');
});

t.test('correlation id flows from header to event', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();

  const response = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'Widget', price: '1.00', quantity: 1, min_quantity: 0 },
    headers: { 'x-correlation-id': 'order-42' },
  });

  t.equal(response.headers['x-correlation-id'], 'order-42');
  const [stored] = await harness.eventsAfter(before);
  t.equal(stored!.event.correlation_id, 'order-42');
});

t.test('quantities are not coerced from strings', async (t) => {
  const harness = await startStock(t);

  const response = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'Widget', price: '1.00', quantity: '5', min_quantity: 0 },
  });

  t.equal(response.status, 400);
  t.match(response.body.message, /body\.quantity must be integer/);
});

t.test('expired or foreign tokens are refused', async (t) => {
  const harness = await startStock(t);
  const foreign = harness.app.jwt.sign({ sub: '999', username: 'ghost', role: 'root' });

  const unknownUser = await harness.call('GET', '/api/products', { token: foreign });
  const garbage = await harness.call('GET', '/api/products', { token: 'not-a-token' });

  t.equal(unknownUser.status, 401);
  t.equal(garbage.status, 401);
});
