import t from 'tap';
import { commandSubject } from '@stock-audit/jetstream';
import { startStock } from './helpers.ts';

t.test('NATS command gives the same event as HTTP', async (t) => {
  const harness = await startStock(t);
  const { nc, subjectPrefix } = harness.ctx;
  const body = { name: 'Widget', price: '4.20', quantity: 3, min_quantity: 1 };
  const httpBefore = await harness.lastSequence();
  const viaHttp = await harness.call('POST', '/api/products', { token: harness.rootToken, body });
  const [httpEvent] = await harness.eventsAfter(httpBefore);
  const natsBefore = await harness.lastSequence();

  const message = await nc.request(
    commandSubject(subjectPrefix, 'product.create'),
    JSON.stringify({ body, token: harness.rootToken, correlation_id: 'corr-nats-1' }),
    { timeout: 5000 },
  );
  const reply = JSON.parse(new TextDecoder().decode(message.data));

  t.equal(reply.ok, true);
  t.equal(reply.status, 201);
  t.match(reply.result, { ...body, status: 'active' });
  const events = await harness.eventsAfter(natsBefore);
  t.equal(events.length, 1);
  const natsEvent = events[0]!.event;
  t.equal(natsEvent.type, httpEvent!.event.type);
  t.equal(natsEvent.action, httpEvent!.event.action);
  t.same(natsEvent.actor, httpEvent!.event.actor);
  t.equal(natsEvent.correlation_id, 'corr-nats-1');
  t.equal(natsEvent.client_ip, null, 'no client address over NATS');
  const { id: _natsId, created_at: _c1, updated_at: _u1, ...natsState } = reply.result;
  const { id: _httpId, created_at: _c2, updated_at: _u2, ...httpState } = viaHttp.body;
  t.same(natsState, httpState, 'same state apart from id and times');
  t.same(natsEvent.after, reply.result);
});

t.test('NATS errors reply with the error body', async (t) => {
  const harness = await startStock(t);
  const { nc, subjectPrefix } = harness.ctx;
  const request = async (command: string, payload: unknown) => {
    const message = await nc.request(
      commandSubject(subjectPrefix, command),
      JSON.stringify(payload),
      {
        timeout: 5000,
      },
    );

    return JSON.parse(new TextDecoder().decode(message.data));
  };
  const before = await harness.lastSequence();

  const anonymous = await request('product.update', { params: { id: 1 }, body: { quantity: 1 } });
  const unknownField = await request('product.update', {
    params: { id: 1 },
    body: { quantity: 1 },
    token: harness.rootToken,
    extra: true,
  });
  const missing = await request('product.update', {
    params: { id: 77 },
    body: { quantity: 1 },
    token: harness.rootToken,
  });
  const noSuchCommand = await request('product.explode', {});

  t.same(anonymous, {
    ok: false,
    error: {
      statusCode: 401,
      code: 'UNAUTHORIZED',
      error: 'Unauthorized',
      message: anonymous.error.message,
    },
  });
  t.equal(unknownField.error.statusCode, 400);
  t.match(unknownField.error.message, /request\.extra is not allowed/);
  t.equal(missing.error.statusCode, 404);
  t.equal(noSuchCommand.error.statusCode, 404);
  const events = (await harness.eventsAfter(before)).map((stored) => stored.event);
  t.same(
    events.map((event) => event.type),
    ['product.update_failed', 'product.update_failed', 'product.update_failed'],
    'one error event per failed command, none for an unknown subject',
  );
  t.equal(events[2]!.entity_id, '77');
});

t.test('NATS login and reads', async (t) => {
  const harness = await startStock(t);
  const { nc, subjectPrefix, config } = harness.ctx;
  const login = JSON.parse(
    new TextDecoder().decode(
      (
        await nc.request(
          commandSubject(subjectPrefix, 'user.login'),
          JSON.stringify({
            body: { username: config.rootUsername, password: 'root-password-for-tests' },
          }),
          { timeout: 5000 },
        )
      ).data,
    ),
  );
  const list = JSON.parse(
    new TextDecoder().decode(
      (
        await nc.request(
          commandSubject(subjectPrefix, 'user.list'),
          JSON.stringify({ token: login.result.token, query: { limit: 10 } }),
          { timeout: 5000 },
        )
      ).data,
    ),
  );

  t.equal(login.ok, true);
  t.equal(login.result.user.role, 'root');
  t.equal(list.ok, true);
  t.equal(list.result.total, 1);
});
