import t from 'tap';
import { commandSubject } from '@stock-audit/jetstream';
import { startStock } from './helpers.ts';

t.test('control characters in input get 400 and an event', async (t) => {
  const harness = await startStock(t);
  const { call, rootToken } = harness;
  const before = await harness.lastSequence();

  const nul = await call('POST', '/api/products', {
    token: rootToken,
    body: { name: 'x\u0000y', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const bell = await call('POST', '/api/products', {
    token: rootToken,
    body: { name: 'ring\u0007', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const key = await call('POST', '/api/products', {
    token: rootToken,
    body: { 'na\u0000me': 'x', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const login = await call('POST', '/api/login', {
    body: { username: 'ro\u0000ot', password: 'whatever-password' },
  });
  const tab = await call('POST', '/api/products', {
    token: rootToken,
    body: { name: 'tab\there', price: '1.00', quantity: 1, min_quantity: 0 },
  });

  t.equal(nul.status, 400);
  t.equal(nul.body.code, 'VALIDATION_FAILED');
  t.match(nul.body.message, /^body\.name must not contain control characters/);
  t.equal(bell.status, 400);
  t.match(bell.body.message, /^body\.name /);
  t.equal(key.status, 400);
  t.match(key.body.message, /^body has a field name that contains control characters/);
  t.equal(login.status, 400);
  t.match(login.body.message, /^body\.username /);
  t.equal(tab.status, 201, 'tab is allowed');
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    [
      'product.create_failed',
      'product.create_failed',
      'product.create_failed',
      'user.login_failed',
      'product.created',
    ],
  );
  t.match(events[0]!.error?.message, /^body\.name /);
  const loginError = events[3]!.error as Record<string, unknown>;
  t.type(loginError.username, 'string', 'claimed identity recorded');
  t.notOk(String(loginError.username).includes('\u0000'), 'no NUL stored');
  const products = await call('GET', '/api/products', { token: rootToken });
  t.equal(products.body.total, 1, 'only the product with a tab exists');
});

t.test('control characters over NATS get 400', async (t) => {
  const harness = await startStock(t);
  const reply = await harness.ctx.nc.request(
    commandSubject(harness.ctx.subjectPrefix, 'product.create'),
    JSON.stringify({
      token: harness.rootToken,
      body: { name: 'x\u0000y', price: '1.00', quantity: 1, min_quantity: 0 },
    }),
    { timeout: 5000 },
  );
  const decoded = JSON.parse(new TextDecoder().decode(reply.data));

  t.equal(decoded.ok, false);
  t.equal(decoded.error.statusCode, 400);
  t.match(decoded.error.message, /^body\.name must not contain control characters/);
  const events = await harness.eventsAfter((await harness.lastSequence()) - 1);
  t.equal(events[0]!.event.type, 'product.create_failed');
});

t.test('blank names get 400', async (t) => {
  const harness = await startStock(t);
  const { call, rootToken } = harness;

  const product = await call('POST', '/api/products', {
    token: rootToken,
    body: { name: '   ', price: '1.00', quantity: 1, min_quantity: 0 },
  });
  const login = await call('POST', '/api/login', {
    body: { username: ' \t ', password: 'whatever-password' },
  });
  const reset = await call('POST', '/api/users/reset-password', { body: { email: '  ' } });

  t.equal(product.status, 400);
  t.equal(product.body.message, 'body.name must not be blank');
  t.equal(login.status, 400);
  t.equal(login.body.message, 'body.username must not be blank');
  t.equal(reset.status, 400);
  t.equal(reset.body.message, 'body.email must not be blank');
});
