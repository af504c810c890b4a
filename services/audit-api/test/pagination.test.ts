import t from 'tap';
import type { EventInput } from '@stock-audit/events';
import { actor, bearer, seed, setupApp, users, type AuditContext } from './helpers.ts';

/** `count` product updates over 20 distinct timestamps, so many records tie. */
function updates(count: number, firstId: number, day = '2024-06-01'): EventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '7',
    action: 'update',
    actor: actor(users.bob),
    before: { quantity: firstId + i },
    after: { quantity: firstId + i + 1 },
    occurred_at: `${day}T10:${String((firstId + i) % 20).padStart(2, '0')}:00.000Z`,
  }));
}

interface Listed {
  id: number;
  timestamp: string;
}

function assertOrdered(
  t: { pass(message: string): unknown; fail(message: string): unknown },
  records: Listed[],
  order: 'desc' | 'asc',
): void {
  for (let i = 1; i < records.length; i++) {
    const previous = records[i - 1]!;
    const current = records[i]!;
    const byTime = previous.timestamp.localeCompare(current.timestamp);
    const step = byTime !== 0 ? byTime : previous.id - current.id;
    if (order === 'desc' ? step <= 0 : step >= 0) {
      t.fail(`records ${previous.id} and ${current.id} are out of ${order} order`);
      return;
    }
  }
  t.pass(`records are in ${order} order`);
}

async function allIds(ctx: AuditContext): Promise<number[]> {
  const rows = await ctx.db.selectFrom('audit_log').select('id').orderBy('id').execute();

  return rows.map((row) => row.id);
}

t.test('offset walk returns every record once', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, updates(237, 1));
  const seen: Listed[] = [];
  let pages = 0;
  for (let offset = 0; ; offset += 50) {
    const body = (
      await app.inject({ url: `/api/all?limit=50&offset=${offset}`, headers: bearer(users.root) })
    ).json();
    t.equal(body.total, 237);
    seen.push(...body.records);
    pages++;
    if (body.records.length < 50) {
      t.equal(body.next_cursor, null, 'last page has no next cursor');
      break;
    }
  }

  t.equal(pages, 5);
  t.same(
    seen.map((record) => record.id).sort((a, b) => a - b),
    await allIds(ctx),
  );
  assertOrdered(t, seen, 'desc');
});

t.test('cursor walk returns every record once while rows are added', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, updates(237, 1));
  const original = await allIds(ctx);
  const seen: Listed[] = [];
  let url = '/api/user/3?limit=40';
  let nextSequence = 1000;
  for (let page = 0; page < 50; page++) {
    const body = (await app.inject({ url, headers: bearer(users.bob) })).json();
    seen.push(...body.records);
    // Newer records arrive between pages; the walk neither repeats nor skips.
    await seed(ctx, updates(5, nextSequence, '2024-07-01'), nextSequence);
    nextSequence += 5;
    if (body.next_cursor === null) break;
    url = `/api/user/3?limit=40&cursor=${body.next_cursor}`;
  }

  const ids = seen.map((record) => record.id);
  t.equal(new Set(ids).size, ids.length, 'no record twice');
  t.same(
    [...ids].sort((a, b) => a - b),
    original,
    'every record present when the walk began, and none added after',
  );
  assertOrdered(t, seen, 'desc');
});

t.test('cursor works with filters and past the offset limit', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, updates(60, 1));
  const root = bearer(users.root);
  const first = (
    await app.inject({
      url: '/api/all?limit=25&from=2024-06-01T10:05Z&to=2024-06-01T10:14Z',
      headers: root,
    })
  ).json();
  t.equal(first.total, 30);
  const second = (
    await app.inject({
      url: `/api/all?limit=25&from=2024-06-01T10:05Z&to=2024-06-01T10:14Z&cursor=${first.next_cursor}`,
      headers: root,
    })
  ).json();
  t.equal(second.records.length, 5);
  t.equal(second.next_cursor, null);
  const ids = [...first.records, ...second.records].map((record: Listed) => record.id);
  t.equal(new Set(ids).size, 30);

  const mixed = await app.inject({
    url: `/api/all?offset=5&cursor=${first.next_cursor}`,
    headers: root,
  });
  t.equal(mixed.statusCode, 400);
  t.match(mixed.json().message, /offset cannot be combined with cursor/);
});

t.test('entity trail pages oldest first by cursor', async (t) => {
  const { ctx, app } = await setupApp(t);
  await seed(ctx, updates(45, 1));
  const seen: Listed[] = [];
  let url = '/api/entity/product/7?limit=20';
  for (let page = 0; page < 10; page++) {
    const body = (await app.inject({ url, headers: bearer(users.alice) })).json();
    t.equal(body.total, 45);
    seen.push(...(body.changes as Listed[]).map((change, index) => ({ ...change, id: index })));
    if (body.next_cursor === null) break;
    url = `/api/entity/product/7?limit=20&cursor=${body.next_cursor}`;
  }

  t.equal(seen.length, 45);
  const quantities = seen.map(
    (change) => (change as unknown as { new_value: { quantity: number } }).new_value.quantity,
  );
  t.equal(new Set(quantities).size, 45, 'every change once');
  const timestamps = seen.map((change) => change.timestamp);
  t.same(timestamps, [...timestamps].sort(), 'oldest first');

  const listCursor = (
    await app.inject({ url: '/api/all?limit=1', headers: bearer(users.root) })
  ).json().next_cursor;
  const wrongOrder = await app.inject({
    url: `/api/entity/product/7?cursor=${listCursor}`,
    headers: bearer(users.alice),
  });
  t.equal(wrongOrder.statusCode, 400, 'a newest-first cursor does not fit the trail');
});
