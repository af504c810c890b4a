import t from 'tap';
import { createProduct, createUser, startStock } from './helpers.ts';

t.test('sale create takes stock with caused product events', async (t) => {
  const harness = await startStock(t);
  const seller = await createUser(harness, 'seller', 'seller1');
  const widget = await createProduct(harness, { name: 'Widget', price: '12.50', quantity: 10 });
  const gadget = await createProduct(harness, { name: 'Gadget', price: '0.99', quantity: 3 });
  const before = await harness.lastSequence();

  const response = await harness.call('POST', '/api/sales', {
    token: seller.token,
    body: {
      items: [
        { product_id: widget.id, quantity: 2 },
        { product_id: gadget.id, quantity: 3 },
      ],
      payment_method: 'card',
    },
  });

  t.equal(response.status, 201);
  t.equal(response.body.total_price, '27.97');
  t.equal(response.body.status, 'completed');
  t.equal(response.body.created_by, seller.id);
  t.match(response.body.items[0], {
    product_id: widget.id,
    unit_price: '12.50',
    total_price: '25.00',
  });
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    ['sale.created', 'product.updated', 'product.updated'],
  );
  const [sale, ...moves] = events;
  t.equal(sale!.before, null);
  t.same(sale!.after, response.body);
  for (const move of moves) {
    t.equal(move.causation_id, sale!.id, 'stock move caused by the sale event');
    t.equal(move.correlation_id, sale!.correlation_id);
    t.equal(move.actor?.id, String(seller.id));
  }
  const widgetMove = moves.find((move) => move.entity_id === String(widget.id))!;
  t.same(widgetMove.before, widget);
  t.equal(widgetMove.after?.quantity, 8);
  const gadgetNow = await harness.call('GET', `/api/products/${gadget.id}`, {
    token: seller.token,
  });
  t.equal(gadgetNow.body.quantity, 0);
});

t.test('sale larger than the stock changes nothing', async (t) => {
  const harness = await startStock(t);
  const widget = await createProduct(harness, { quantity: 2 });
  const before = await harness.lastSequence();

  const response = await harness.call('POST', '/api/sales', {
    token: harness.rootToken,
    body: { items: [{ product_id: widget.id, quantity: 3 }], payment_method: 'cash' },
  });

  t.equal(response.status, 409);
  t.equal(response.body.code, 'INSUFFICIENT_STOCK');
  const events = await harness.eventsAfter(before);
  t.equal(events.length, 1, 'one event');
  t.equal(events[0]!.event.type, 'sale.create_failed');
  t.equal(events[0]!.subject, `${harness.ctx.subjectPrefix}.rejected.sale`);
  t.match(events[0]!.event.error, { product_id: widget.id, requested: 3, available: 2 });
  const now = await harness.call('GET', `/api/products/${widget.id}`, { token: harness.rootToken });
  t.equal(now.body.quantity, 2, 'stock unchanged');
  const sales = await harness.call('GET', '/api/sales', { token: harness.rootToken });
  t.equal(sales.body.total, 0, 'no sale recorded');
});

t.test('sale of an unknown or inactive product fails', async (t) => {
  const harness = await startStock(t);
  const widget = await createProduct(harness);
  await harness.call('DELETE', `/api/products/${widget.id}`, { token: harness.rootToken });

  const unknown = await harness.call('POST', '/api/sales', {
    token: harness.rootToken,
    body: { items: [{ product_id: 424242, quantity: 1 }], payment_method: 'cash' },
  });
  const inactive = await harness.call('POST', '/api/sales', {
    token: harness.rootToken,
    body: { items: [{ product_id: widget.id, quantity: 1 }], payment_method: 'cash' },
  });
  const repeated = await harness.call('POST', '/api/sales', {
    token: harness.rootToken,
    body: {
      items: [
        { product_id: widget.id, quantity: 1 },
        { product_id: widget.id, quantity: 1 },
      ],
      payment_method: 'cash',
    },
  });

  t.equal(unknown.status, 404);
  t.equal(unknown.body.code, 'PRODUCT_NOT_FOUND');
  t.equal(inactive.status, 409);
  t.equal(inactive.body.code, 'PRODUCT_INACTIVE');
  t.equal(repeated.status, 400);
  t.match(repeated.body.message, /body\.items\.1\.product_id/);
});

t.test('sale cancel returns stock and update reprices', async (t) => {
  const harness = await startStock(t);
  const seller = await createUser(harness, 'seller', 'seller1');
  const widget = await createProduct(harness, { price: '2.00', quantity: 10 });
  const gadget = await createProduct(harness, { price: '5.00', quantity: 10 });
  const created = await harness.call('POST', '/api/sales', {
    token: seller.token,
    body: { items: [{ product_id: widget.id, quantity: 4 }], payment_method: 'cash' },
  });
  const saleId = created.body.id;

  const sellerUpdate = await harness.call('PUT', `/api/sales/${saleId}`, {
    token: seller.token,
    body: { payment_method: 'card' },
  });
  const changed = await harness.call('PUT', `/api/sales/${saleId}`, {
    token: harness.rootToken,
    body: {
      items: [
        { product_id: widget.id, quantity: 1 },
        { product_id: gadget.id, quantity: 2 },
      ],
    },
  });
  const before = await harness.lastSequence();
  const cancelled = await harness.call('PUT', `/api/sales/${saleId}`, {
    token: harness.rootToken,
    body: { status: 'cancelled' },
  });
  const again = await harness.call('PUT', `/api/sales/${saleId}`, {
    token: harness.rootToken,
    body: { status: 'cancelled' },
  });

  t.equal(sellerUpdate.status, 403, 'sellers do not update sales');
  t.equal(changed.status, 200);
  t.equal(changed.body.total_price, '12.00');
  t.equal(cancelled.status, 200);
  t.equal(cancelled.body.status, 'cancelled');
  t.equal(again.status, 409);
  t.equal(again.body.code, 'SALE_CANCELLED');
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.slice(0, 3).map((event) => event.type),
    ['sale.updated', 'product.updated', 'product.updated'],
  );
  t.same(events[0]!.before, changed.body);
  const widgetNow = await harness.call('GET', `/api/products/${widget.id}`, {
    token: seller.token,
  });
  const gadgetNow = await harness.call('GET', `/api/products/${gadget.id}`, {
    token: seller.token,
  });
  t.equal(widgetNow.body.quantity, 10, 'widget stock returned');
  t.equal(gadgetNow.body.quantity, 10, 'gadget stock returned');
});

t.test('sellers read only their own sales', async (t) => {
  const harness = await startStock(t);
  const first = await createUser(harness, 'seller', 'seller1');
  const second = await createUser(harness, 'seller', 'seller2');
  const widget = await createProduct(harness);
  const sale = await harness.call('POST', '/api/sales', {
    token: first.token,
    body: { items: [{ product_id: widget.id, quantity: 1 }], payment_method: 'cash' },
  });

  const own = await harness.call('GET', `/api/sales/${sale.body.id}`, { token: first.token });
  const other = await harness.call('GET', `/api/sales/${sale.body.id}`, { token: second.token });
  const otherList = await harness.call('GET', '/api/sales', { token: second.token });

  t.equal(own.status, 200);
  t.equal(other.status, 403);
  t.equal(otherList.body.total, 0);
});
