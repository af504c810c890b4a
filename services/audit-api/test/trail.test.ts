import t from 'tap';
import type { EventInput } from '@stock-audit/events';
import { actor, bearer, seed, setupApp, users } from './helpers.ts';

// A self-registered user 5: registered, approved by alice, logs in, renamed.
// The approval is stored with entity_type application and the same id.
const pending = { id: 5, username: 'dave', role: 'seller', status: 'pending' };
const approved = { ...pending, status: 'active' };
const renamed = { ...approved, username: 'david' };
const dave = { id: '5', username: 'dave', role: 'seller' } as const;
const events: EventInput[] = [
  {
    type: 'user.registered',
    entity_type: 'user',
    entity_id: '5',
    action: 'register',
    after: pending,
    occurred_at: '2024-05-01T09:00:00.000Z',
  },
  {
    type: 'application.approved',
    entity_type: 'application',
    entity_id: '5',
    action: 'approve',
    actor: actor(users.alice),
    before: pending,
    after: approved,
    occurred_at: '2024-05-01T10:00:00.000Z',
  },
  {
    type: 'user.logged_in',
    entity_type: 'user',
    entity_id: '5',
    action: 'login',
    actor: dave,
    occurred_at: '2024-05-01T11:00:00.000Z',
  },
  {
    type: 'user.updated',
    entity_type: 'user',
    entity_id: '5',
    action: 'update',
    actor: dave,
    before: approved,
    after: renamed,
    occurred_at: '2024-05-01T12:00:00.000Z',
  },
  {
    type: 'application.rejected',
    entity_type: 'application',
    entity_id: '6',
    action: 'reject',
    actor: actor(users.alice),
    before: { ...pending, id: 6 },
    after: { ...pending, id: 6, status: 'rejected' },
    occurred_at: '2024-05-01T13:00:00.000Z',
  },
];

interface Change {
  action: string;
  old_value: Record<string, unknown> | null;
  new_value: Record<string, unknown> | null;
}

t.test('user trail includes its application steps', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);

  const response = await app.inject({ url: '/api/entity/user/5', headers: bearer(users.alice) });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.equal(body.entity_type, 'user');
  t.equal(body.entity_id, '5');
  t.equal(body.total, 4);
  const changes = body.changes as Change[];
  t.same(
    changes.map((change) => change.action),
    ['register', 'approve', 'login', 'update'],
  );
  t.same(changes[0]!.new_value, changes[1]!.old_value, 'register → approve');
  t.same(changes[1]!.new_value, changes[3]!.old_value, 'approve → update');
  t.same(changes[3]!.new_value, renamed);
});

t.test('user trail pages across both types', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);
  const admin = bearer(users.alice);

  const first = (await app.inject({ url: '/api/entity/user/5?limit=2', headers: admin })).json();
  t.same(
    first.changes.map((change: Change) => change.action),
    ['register', 'approve'],
  );
  t.equal(first.total, 4);
  const url = `/api/entity/user/5?limit=2&cursor=${first.next_cursor}`;
  const second = (await app.inject({ url, headers: admin })).json();
  t.same(
    second.changes.map((change: Change) => change.action),
    ['login', 'update'],
  );
  t.equal(second.next_cursor, null);
});

t.test('application trail keeps application rows only', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, events);
  const admin = bearer(users.alice);

  const five = (await app.inject({ url: '/api/entity/application/5', headers: admin })).json();
  t.equal(five.entity_type, 'application');
  t.same(
    five.changes.map((change: Change) => change.action),
    ['approve'],
  );
  const six = (await app.inject({ url: '/api/entity/application/6', headers: admin })).json();
  t.same(
    six.changes.map((change: Change) => change.action),
    ['reject'],
  );
  const rejectedUser = (await app.inject({ url: '/api/entity/user/6', headers: admin })).json();
  t.same(
    rejectedUser.changes.map((change: Change) => change.action),
    ['reject'],
    'a rejected applicant has a user trail too',
  );
});
