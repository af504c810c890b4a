import t from 'tap';
import { commandSubject } from '@stock-audit/jetstream';
import { createProduct, startStock } from './helpers.ts';

t.test('Idempotency-Key retry gives one event and the same reply', async (t) => {
  const harness = await startStock(t);
  const before = await harness.lastSequence();
  const send = () =>
    harness.call('POST', '/api/products', {
      token: harness.rootToken,
      body: { name: 'Widget', price: '1.00', quantity: 1, min_quantity: 0 },
      headers: { 'idempotency-key': 'create-widget-1' },
    });

  const first = await send();
  const second = await send();
  const concurrent = await Promise.all([send(), send()]);

  t.equal(first.status, 201);
  t.equal(second.status, 201);
  t.same(second.body, first.body, 'same reply');
  t.equal(second.headers['idempotent-replayed'], 'true');
  for (const response of concurrent) t.same(response.body, first.body);
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1, 'one event');
  const products = await harness.call('GET', '/api/products', { token: harness.rootToken });
  t.equal(products.body.total, 1, 'one product');
});

t.test('Idempotency-Key reused for another body is refused', async (t) => {
  const harness = await startStock(t);
  const headers = { 'idempotency-key': 'key-2' };
  await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'A', price: '1.00', quantity: 1, min_quantity: 0 },
    headers,
  });

  const other = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'B', price: '1.00', quantity: 1, min_quantity: 0 },
    headers,
  });
  const invalid = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'B', price: '1.00', quantity: 1, min_quantity: 0 },
    headers: { 'idempotency-key': 'has spaces' },
  });

  t.equal(other.status, 409);
  t.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');
  t.equal(invalid.status, 400);
  t.match(invalid.body.message, /Idempotency-Key/);
});

t.test('failed command retried with its key is audited once', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness, { quantity: 1 });
  const before = await harness.lastSequence();
  const send = () =>
    harness.call('POST', '/api/sales', {
      token: harness.rootToken,
      body: { items: [{ product_id: product.id, quantity: 5 }], payment_method: 'cash' },
      headers: { 'idempotency-key': 'big-sale' },
    });

  const first = await send();
  const second = await send();

  t.equal(first.status, 409);
  t.same(second.body, first.body);
  t.equal((await harness.eventsAfter(before)).length, 1);
});

t.test('NATS idempotency_key retry gives one event', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness, { quantity: 10 });
  const before = await harness.lastSequence();
  const send = async () =>
    JSON.parse(
      new TextDecoder().decode(
        (
          await harness.ctx.nc.request(
            commandSubject(harness.ctx.subjectPrefix, 'sale.create'),
            JSON.stringify({
              token: harness.rootToken,
              idempotency_key: 'sale-1',
              body: { items: [{ product_id: product.id, quantity: 2 }], payment_method: 'cash' },
            }),
            { timeout: 5000 },
          )
        ).data,
      ),
    );

  const first = await send();
  const second = await send();

  t.equal(first.status, 201);
  t.same(second, first);
  const events = await harness.eventsAfter(before);
  t.same(
    events.map((stored) => stored.event.type),
    ['sale.created', 'product.updated'],
  );
});

t.test('rerun after a lost reply reuses the event id', async (t) => {
  const harness = await startStock(t);
  const headers = { 'idempotency-key': 'crash-1' };
  const body = { name: 'A', price: '1.00', quantity: 1, min_quantity: 0 };
  const first = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body,
    headers,
  });
  // As if the process died after the append, before storing the reply.
  await harness.ctx.db
    .updateTable('idempotency_records')
    .set({ status_code: null, response: null, locked_at: null })
    .execute();

  const retry = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body,
    headers,
  });

  t.equal(first.status, 201);
  t.equal(retry.status, 201);
  t.same(retry.body, first.body, 'the retry returns the stored event');
  const creations = (await harness.events()).filter(
    (stored) => stored.event.type === 'product.created',
  );
  t.equal(creations.length, 1, 'the stream deduplicated the derived event id');
});
