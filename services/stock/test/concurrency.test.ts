import t from 'tap';
import { buildApp, createProduct, startStock } from './helpers.ts';

t.test('20 concurrent updates form one chain', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness, { quantity: 0 });
  const before = await harness.lastSequence();

  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      harness.call('PUT', `/api/products/${product.id}`, {
        token: harness.rootToken,
        body: { quantity: index + 1 },
      }),
    ),
  );

  t.same(
    responses.map((response) => response.status),
    Array(20).fill(200),
    'every update succeeds',
  );
  const events = (await harness.eventsAfter(before))
    .filter((stored) => stored.event.entity_id === String(product.id))
    .map((stored) => stored.event);
  t.equal(events.length, 20, '20 events');
  let previous = product;
  for (const event of events) {
    t.same(event.before, previous, 'before equals the previous after');
    previous = event.after;
  }
  const final = await harness.call('GET', `/api/products/${product.id}`, {
    token: harness.rootToken,
  });
  t.same(final.body, previous, 'read model equals the last after');
});

t.test('two instances share one entity chain', async (t) => {
  const harness = await startStock(t);
  const second = await buildApp(t, harness.ctx, harness.keys);
  const product = await createProduct(harness, { quantity: 100 });
  const before = await harness.lastSequence();

  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      (index % 2 === 0 ? harness.app : second).inject({
        method: 'POST',
        url: '/api/sales',
        headers: { authorization: `Bearer ${harness.rootToken}` },
        payload: { items: [{ product_id: product.id, quantity: 3 }], payment_method: 'cash' },
      }),
    ),
  );

  t.same(
    responses.map((response) => response.statusCode),
    Array(10).fill(201),
  );
  const moves = (await harness.eventsAfter(before))
    .filter((stored) => stored.event.entity_type === 'product')
    .map((stored) => stored.event);
  t.equal(moves.length, 10);
  t.equal(moves.at(-1)!.after?.quantity, 70, 'each sale took its 3 units once');
  for (let index = 1; index < moves.length; index++) {
    t.same(moves[index]!.before, moves[index - 1]!.after);
  }
});

t.test('exhausted append attempts give 409 CONCURRENT_UPDATE', async (t) => {
  const harness = await startStock(t, { commandOptions: { maxAppendAttempts: 1 } });
  const product = await createProduct(harness, { quantity: 0 });

  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      harness.call('PUT', `/api/products/${product.id}`, {
        token: harness.rootToken,
        body: { quantity: index },
      }),
    ),
  );

  const conflicts = responses.filter((response) => response.status === 409);
  t.ok(conflicts.length > 0, 'some updates lose the race');
  t.equal(conflicts[0]!.body.code, 'CONCURRENT_UPDATE');
  const events = await harness.events();
  const failures = events.filter((stored) => stored.event.type === 'product.update_failed');
  t.equal(failures.length, conflicts.length, 'one error event per conflict');
});
