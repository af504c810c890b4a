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

t.test('lone surrogates, DEL and C1 get 400', async (t) => {
  const harness = await startStock(t);
  const { call, rootToken } = harness;
  const rawJson = (text: string) =>
    call('POST', '/api/products', {
      token: rootToken,
      headers: { 'content-type': 'application/json' },
      body: text,
    });
  const before = await harness.lastSequence();

  const loneHigh = await rawJson(
    '{"name":"lone\\ud800","price":"1.00","quantity":1,"min_quantity":0}',
  );
  const loneLow = await rawJson('{"name":"\\udc00x","price":"1.00","quantity":1,"min_quantity":0}');
  const loneKey = await rawJson(
    '{"name":"x","price":"1.00","quantity":1,"min_quantity":0,"k\\ud800":1}',
  );
  const del = await rawJson('{"name":"x\\u007f","price":"1.00","quantity":1,"min_quantity":0}');
  const c1 = await rawJson('{"name":"x\\u0085","price":"1.00","quantity":1,"min_quantity":0}');
  const pair = await rawJson(
    '{"name":"smile \\ud83d\\ude00","price":"1.00","quantity":1,"min_quantity":0}',
  );

  t.equal(loneHigh.status, 400);
  t.match(loneHigh.body.message, /^body\.name must not contain lone UTF-16 surrogates/);
  t.equal(loneLow.status, 400);
  t.match(loneLow.body.message, /^body\.name must not contain lone UTF-16 surrogates/);
  t.equal(loneKey.status, 400);
  t.match(loneKey.body.message, /^body has a field name that contains lone UTF-16 surrogates/);
  t.match(loneKey.body.message, /"k\\ud800"$/, 'field name echoed escaped');
  t.equal(del.status, 400);
  t.match(del.body.message, /^body\.name must not contain control characters/);
  t.equal(c1.status, 400);
  t.match(c1.body.message, /^body\.name must not contain control characters/);
  t.equal(pair.status, 201, 'a surrogate pair is allowed');
  t.equal(pair.body.name, 'smile \u{1F600}');
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    [
      'product.create_failed',
      'product.create_failed',
      'product.create_failed',
      'product.create_failed',
      'product.create_failed',
      'product.created',
    ],
  );
  for (const event of events) {
    t.ok(JSON.stringify(event).isWellFormed(), `${event.type} event is well-formed`);
  }
  const stored = await harness.ctx.db.selectFrom('products').select('name').execute();
  t.same(
    stored.map((row) => row.name),
    ['smile \u{1F600}'],
  );
});

t.test('lone surrogates over NATS get 400', async (t) => {
  const harness = await startStock(t);
  const request = async (payload: string) => {
    const reply = await harness.ctx.nc.request(
      commandSubject(harness.ctx.subjectPrefix, 'product.create'),
      payload,
      { timeout: 5000 },
    );

    return JSON.parse(new TextDecoder().decode(reply.data));
  };
  const token = JSON.stringify(harness.rootToken);

  const value = await request(
    `{"token":${token},"body":{"name":"lone\\ud800","price":"1.00","quantity":1,"min_quantity":0}}`,
  );
  const key = await request(
    `{"token":${token},"body":{"name":"x","price":"1.00","quantity":1,"min_quantity":0,"\\udfffk":1}}`,
  );

  t.equal(value.ok, false);
  t.equal(value.error.statusCode, 400);
  t.match(value.error.message, /^body\.name must not contain lone UTF-16 surrogates/);
  t.equal(key.ok, false);
  t.equal(key.error.statusCode, 400);
  t.match(key.error.message, /"\\udfffk"$/);
  const events = await harness.eventsAfter((await harness.lastSequence()) - 2);
  t.same(
    events.map((stored) => stored.event.type),
    ['product.create_failed', 'product.create_failed'],
  );
  t.ok(JSON.stringify(events[1]!.event).isWellFormed(), 'rejection event is well-formed');
});
