import Fastify from 'fastify';
import t from 'tap';
import { Type } from '@sinclair/typebox';
import { installErrorHandler, notFound } from '@stock-audit/service-kit';

async function buildApp() {
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  installErrorHandler(app);
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          {
            role: Type.Union([Type.Literal('root'), Type.Literal('admin'), Type.Literal('seller')]),
            size: Type.Optional(Type.String({ enum: ['s', 'm'] })),
            count: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/missing', async () => {
    throw notFound('Thing 7 not found');
  });
  app.get('/broken', async () => {
    throw new Error('database password is hunter2');
  });

  return app;
}

async function post(body: unknown) {
  const app = await buildApp();
  const response = await app.inject({ method: 'POST', url: '/things', payload: body as object });
  await app.close();

  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

t.test('union of literals lists accepted values', async (t) => {
  const { status, body } = await post({ role: 'boss' });

  t.equal(status, 400);
  t.equal(body.message, 'body.role must be one of "root", "admin", "seller"');
  t.equal(body.code, 'VALIDATION_FAILED');
});

t.test('enum lists accepted values', async (t) => {
  const { body } = await post({ role: 'root', size: 'xl' });

  t.equal(body.message, 'body.size must be one of "s", "m"');
});

t.test('unknown and missing fields are named', async (t) => {
  t.equal((await post({ role: 'root', colour: 'red' })).body.message, 'body.colour is not allowed');
  t.equal((await post({})).body.message, 'body.role is required');
  t.equal((await post({ role: 'root', count: -1 })).body.message, 'body.count must be >= 0');
});

t.test('error body has the stable shape', async (t) => {
  const app = await buildApp();
  t.teardown(() => app.close());

  const missing = await app.inject({ method: 'GET', url: '/missing' });
  const broken = await app.inject({ method: 'GET', url: '/broken' });
  const route = await app.inject({ method: 'GET', url: '/nowhere' });

  t.same(missing.json(), {
    statusCode: 404,
    code: 'NOT_FOUND',
    error: 'Not Found',
    message: 'Thing 7 not found',
  });
  t.same(broken.json(), {
    statusCode: 500,
    code: 'INTERNAL_ERROR',
    error: 'Internal Server Error',
    message: 'Internal server error',
  });
  t.equal(route.statusCode, 404);
  t.equal(route.json().code, 'ROUTE_NOT_FOUND');
});
