import t from 'tap';
import { actor, bearer, otherKeys, seed, setupApp, signToken, users } from './helpers.ts';

t.test('role matrix on every endpoint', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, [
    {
      type: 'product.created',
      entity_type: 'product',
      entity_id: '10',
      action: 'create',
      actor: actor(users.bob),
      after: { name: 'Widget' },
    },
  ]);

  const tokens: Record<string, Record<string, string>> = {
    'no token': {},
    'bad token': { authorization: 'Bearer not.a.token' },
    'bad signature': bearer(users.root, { key: otherKeys.privateKey }),
    expired: bearer(users.root, { expiresInSeconds: -60 }),
    'alg none': bearer(users.root, { header: { alg: 'none', typ: 'JWT' }, unsigned: true }),
    'unknown role': bearer({ sub: '9', username: 'eve', role: 'superuser' }),
    'seller self': bearer(users.bob),
    'seller other': bearer(users.carol),
    admin: bearer(users.alice),
    root: bearer(users.root),
  };
  // Expected status per token: [/api/user/3 (bob), /api/all, /api/entity/product/10].
  const expected: Record<string, [number, number, number]> = {
    'no token': [401, 401, 401],
    'bad token': [401, 401, 401],
    'bad signature': [401, 401, 401],
    expired: [401, 401, 401],
    'alg none': [401, 401, 401],
    'unknown role': [401, 401, 401],
    'seller self': [200, 403, 403],
    'seller other': [403, 403, 403],
    admin: [403, 403, 200],
    root: [200, 200, 200],
  };
  const urls = ['/api/user/3', '/api/all', '/api/entity/product/10'];

  for (const [name, headers] of Object.entries(tokens)) {
    for (const [index, url] of urls.entries()) {
      const response = await app.inject({ method: 'GET', url, headers });
      t.equal(response.statusCode, expected[name]![index], `${name} GET ${url}`);
      if (response.statusCode !== 200) {
        t.same(Object.keys(response.json()).sort(), ['code', 'error', 'message', 'statusCode']);
      }
    }
  }
});

t.test('expired token says so', async (t) => {
  const { app } = await setupApp(t);
  const response = await app.inject({
    url: '/api/all',
    headers: bearer(users.root, { expiresInSeconds: -60 }),
  });

  t.equal(response.statusCode, 401);
  t.equal(response.json().code, 'TOKEN_EXPIRED');
});

t.test('HMAC token keyed with the public key is rejected', async (t) => {
  const { app } = await setupApp(t);
  const { createHmac } = await import('node:crypto');
  const { publicKeyPem } = await import('./helpers.ts');
  const unsigned = signToken(users.root, { header: { alg: 'HS256', typ: 'JWT' }, unsigned: true });
  const signature = createHmac('sha256', publicKeyPem).update(unsigned.slice(0, -1)).digest();
  const token = `${unsigned}${signature.toString('base64url')}`;

  const response = await app.inject({
    url: '/api/all',
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(response.statusCode, 401);
});

t.test('admin may read their own actions', async (t) => {
  const { app } = await setupApp(t);
  const response = await app.inject({ url: '/api/user/2', headers: bearer(users.alice) });

  t.equal(response.statusCode, 200);
  t.same(response.json(), { total: 0, records: [], next_cursor: null });
});

t.test('health, readiness, metrics and OpenAPI', async (t) => {
  const { app } = await setupApp(t);

  t.equal((await app.inject('/health')).statusCode, 200);
  const ready = await app.inject('/ready');
  t.equal(ready.statusCode, 200, 'the read-only role can read audit_log');
  t.same(ready.json().checks, { database: 'ok', accounts: 'ok' });
  await app.inject({ url: '/api/all', headers: bearer(users.root) });
  const metrics = await app.inject('/metrics');
  t.match(metrics.body, /audit_api_request_duration_seconds_count\{.*route="\/api\/all"/);
  const openapi = (await app.inject('/docs/json')).json();
  t.equal(openapi.openapi.startsWith('3.'), true);
  t.same(Object.keys(openapi.paths).sort(), [
    '/api/all',
    '/api/entity/{entityType}/{entityId}',
    '/api/user/{userId}',
    '/health',
    '/ready',
  ]);
  const limit = openapi.paths['/api/all'].get.parameters.find(
    (parameter: { name: string }) => parameter.name === 'limit',
  );
  t.equal(limit.schema.maximum, 500);
});
