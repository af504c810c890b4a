import t from 'tap';
import type { EventInput } from '@stock-audit/events';
import { actor, bearer, seed, setupApp, users } from './helpers.ts';

// Eight records over three days; 7 and 8 share a timestamp.
const events: EventInput[] = [
  {
    type: 'product.created',
    entity_type: 'product',
    entity_id: '10',
    action: 'create',
    actor: actor(users.alice),
    after: { name: 'Widget', price: '10.00' },
    occurred_at: '2024-05-01T09:00:00.000Z',
  },
  {
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '10',
    action: 'update',
    actor: actor(users.bob),
    before: { name: 'Widget', price: '10.00' },
    after: { name: 'Widget', price: '12.50' },
    occurred_at: '2024-05-01T22:30:00.000Z',
  },
  {
    type: 'sale.created',
    entity_type: 'sale',
    entity_id: '1',
    action: 'create',
    actor: actor(users.bob),
    after: { total_price: '25.00' },
    occurred_at: '2024-05-02T00:15:00.000Z',
  },
  {
    type: 'product.update_failed',
    entity_type: 'product',
    entity_id: '10',
    action: 'update',
    actor: actor(users.carol),
    status: 'error',
    error: { code: 'VALIDATION_FAILED', message: 'price must be at least 0' },
    occurred_at: '2024-05-02T12:00:00.000Z',
  },
  {
    type: 'user.logged_in',
    entity_type: 'user',
    entity_id: '3',
    action: 'login',
    actor: actor(users.bob),
    occurred_at: '2024-05-02T23:59:59.999Z',
  },
  {
    type: 'user.login_failed',
    entity_type: 'user',
    action: 'login',
    status: 'error',
    error: { code: 'INVALID_CREDENTIALS', message: 'Invalid username or password' },
    occurred_at: '2024-05-03T00:00:00.000Z',
  },
  {
    type: 'product.deleted',
    entity_type: 'product',
    entity_id: '10',
    action: 'delete',
    actor: actor(users.alice),
    before: { name: 'Widget', status: 'active' },
    after: { name: 'Widget', status: 'deleted' },
    occurred_at: '2024-05-03T08:00:00.000Z',
  },
  {
    type: 'product.created',
    entity_type: 'product',
    entity_id: '11',
    action: 'create',
    actor: actor(users.alice),
    after: { name: 'Gadget' },
    occurred_at: '2024-05-03T08:00:00.000Z',
  },
];

t.test('filters', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);
  const root = bearer(users.root);
  const ids = async (url: string) => {
    const response = await app.inject({ url, headers: root });
    t.equal(response.statusCode, 200, `${url}: ${response.body}`);
    const body = response.json();
    t.equal(body.total, body.records.length, `${url} total`);

    return body.records.map((record: { id: number }) => record.id);
  };

  const cases: [string, number[]][] = [
    ['/api/all', [8, 7, 6, 5, 4, 3, 2, 1]],
    ['/api/all?action=UPDATE', [4, 2]],
    ['/api/all?action=Login', [6, 5]],
    ['/api/all?action=approve', []],
    ['/api/all?status=error', [6, 4]],
    ['/api/all?status=success', [8, 7, 5, 3, 2, 1]],
    ['/api/all?entity_type=sale', [3]],
    ['/api/all?entity_type=user', [6, 5]],
    ['/api/all?user_id=3', [5, 3, 2]],
    ['/api/all?from=2024-05-02', [8, 7, 6, 5, 4, 3]],
    ['/api/all?to=2024-05-02', [5, 4, 3, 2, 1]],
    ['/api/all?from=2024-05-02&to=2024-05-02', [5, 4, 3]],
    ['/api/all?to=2024-05-02T00:15:00Z', [3, 2, 1]],
    ['/api/all?to=2024-05-02T00:15', [3, 2, 1]],
    ['/api/all?to=2024-05-02T00:14:59.999Z', [2, 1]],
    ['/api/all?to=2024-05-02T02:15:00%2B02:00', [3, 2, 1]],
    ['/api/all?to=2024-05-01T20:15:00-0400', [3, 2, 1]],
    ['/api/all?from=2024-05-02T01:00:00%2B01:00', [8, 7, 6, 5, 4, 3]],
    ['/api/all?from=2024-05-01T18:30-04:00&to=2024-05-02T03:00%2B03:00', [2]],
    ['/api/all?from=2024-05-03T08:00:00Z&to=2024-05-03T08:00:00Z', [8, 7]],
    ['/api/all?user_id=3&action=create&from=2024-05-02', [3]],
    ['/api/all?entity_type=product&status=success&to=2024-05-01', [2, 1]],
    ['/api/all?entity_type=product&action=update&status=error&user_id=4', [4]],
    ['/api/user/3?action=login', [5]],
    ['/api/user/3?entity_type=product', [2]],
    ['/api/user/3?from=2024-05-02&to=2024-05-02&status=success', [5, 3]],
  ];
  for (const [url, expected] of cases) t.same(await ids(url), expected, url);
});

t.test('records have exactly the documented fields', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);

  const body = (await app.inject({ url: '/api/all?limit=2', headers: bearer(users.root) })).json();
  t.same(Object.keys(body).sort(), ['next_cursor', 'records', 'total']);
  t.same(body.records[1], {
    id: 7,
    user_id: '2',
    username: 'alice',
    action: 'delete',
    entity_type: 'product',
    entity_id: '10',
    description: 'Deleted product 10 (Widget): status: active → deleted',
    timestamp: '2024-05-03T08:00:00.000Z',
    status: 'success',
  });
  const all = (await app.inject({ url: '/api/all', headers: bearer(users.root) })).json();
  const anonymous = all.records.find((record: { id: number }) => record.id === 6);
  t.equal(anonymous.user_id, null);
  t.equal(anonymous.timestamp, '2024-05-03T00:00:00.000Z');
  const login = all.records.find((record: { id: number }) => record.id === 5);
  t.equal(login.timestamp, '2024-05-02T23:59:59.999Z');
});

t.test('entity trail is oldest first with values', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);
  const admin = bearer(users.alice);

  const response = await app.inject({ url: '/api/entity/product/10', headers: admin });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.equal(body.entity_type, 'product');
  t.equal(body.entity_id, '10');
  t.equal(body.total, 4);
  t.equal(body.next_cursor, null);
  t.same(
    body.changes.map((change: { action: string; status: string }) => change.action),
    ['create', 'update', 'update', 'delete'],
  );
  t.same(body.changes[1], {
    user_id: '3',
    username: 'bob',
    action: 'update',
    old_value: { name: 'Widget', price: '10.00' },
    new_value: { name: 'Widget', price: '12.50' },
    timestamp: '2024-05-01T22:30:00.000Z',
    description: 'price: 10.00 → 12.50',
    status: 'success',
  });
  const failed = (
    await app.inject({ url: '/api/entity/product/10?status=error', headers: admin })
  ).json();
  t.same(
    failed.changes.map((change: { description: string }) => change.description),
    ['Update product 10 failed: price must be at least 0'],
  );
  const none = (await app.inject({ url: '/api/entity/product/999', headers: admin })).json();
  t.same(none, {
    entity_type: 'product',
    entity_id: '999',
    changes: [],
    total: 0,
    next_cursor: null,
  });
});

t.test('invalid parameters get 400 naming them', async (t) => {
  const { app } = await setupApp(t);
  const root = bearer(users.root);
  const cases: [string, RegExp][] = [
    ['/api/all?action=up%20date', /^action must be/],
    ['/api/all?from=yesterday', /^from must be an ISO 8601 date/],
    ['/api/all?to=2024-02-30', /^to must be an ISO 8601 date .*got "2024-02-30"/],
    ['/api/all?to=2024-05-01T24:00', /^to must be/],
    ['/api/all?from=2024-05-01T10:00%2B25:00', /^from must be/],
    ['/api/all?from=2024-05-03&to=2024-05-02', /^from must not be later than to/],
    ['/api/all?entity_type=order', /^entity_type must be one of user, product, sale, application/],
    ['/api/all?status=ok', /^status must be success or error/],
    ['/api/all?user_id=abc', /^user_id must be a user id/],
    ['/api/all?limit=0', /^limit must be an integer from 1 to 500 \(got "0"\)/],
    ['/api/all?limit=501', /^limit must be an integer from 1 to 500 \(got "501"\)/],
    ['/api/all?limit=abc', /^limit must be an integer/],
    ['/api/all?limit=10&limit=20', /^limit must be .*several values/],
    ['/api/all?offset=-1', /^offset must be an integer from 0 to 10000/],
    ['/api/all?offset=10001', /^offset must be .*use cursor for deeper pages/],
    ['/api/all?cursor=garbage', /^cursor must be the next_cursor of an earlier response/],
    ['/api/all?acton=login', /^acton is not a parameter of this endpoint/],
    ['/api/user/1?user_id=2', /^user_id is not a parameter of this endpoint/],
    ['/api/user/abc', /^userId must be a user id/],
    ['/api/entity/order/1', /^entityType must be one of user, product, sale, application/],
    ['/api/entity/product/1?entity_type=sale', /^entity_type is not a parameter/],
  ];
  for (const [url, message] of cases) {
    const response = await app.inject({ url, headers: root });
    t.equal(response.statusCode, 400, url);
    t.match(response.json().message, message, url);
    t.equal(response.json().code, 'INVALID_PARAMETER', url);
  }
});
