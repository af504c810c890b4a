import { sql } from 'kysely';
import t from 'tap';
import { createEvent } from '@stock-audit/events';
import { publishEvent, stateSubject } from '@stock-audit/jetstream';
import { applyStateEvent, type StockTables } from '@stock-audit/stock';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
import {
  compareStateWithLive,
  rebuildStateSchema,
  verifyAndSwapState,
  verifyStateSchema,
  type StateReplayDeps,
} from '../scripts/lib/replay/state.ts';

const now = '2026-12-04T10:00:00.000Z';

function product(id: number, quantity: number) {
  return {
    id,
    name: `item ${id}`,
    price: '2.50',
    quantity,
    min_quantity: 1,
    status: 'active',
    created_at: now,
    updated_at: now,
  };
}

/** Publishes `updates` quantity changes over `products` products and applies each to the live tables. */
async function publishUpdates(
  ctx: TestContext<StockTables>,
  products: number,
  updates: number,
  base = 0,
) {
  for (let i = 0; i < updates; i++) {
    const id = (i % products) + 1;
    const subject = stateSubject(ctx.subjectPrefix, 'product', id);
    const event = createEvent({
      type: i < products && base === 0 ? 'product.created' : 'product.updated',
      entity_type: 'product',
      entity_id: String(id),
      action: i < products && base === 0 ? 'create' : 'update',
      after: product(id, base + i),
    });
    const ack = await publishEvent(ctx.js, subject, event);
    await applyStateEvent(ctx.db, event, ack.seq);
  }
}

function depsFor(ctx: TestContext<StockTables>): StateReplayDeps {
  return {
    db: ctx.db,
    nc: ctx.nc,
    streamName: ctx.streamName,
    subjectPrefix: ctx.subjectPrefix,
    log: () => {},
    batchSize: 7,
  };
}

async function products(ctx: TestContext<StockTables>, schema = 'public') {
  const result = await sql<{ id: number; quantity: number; last_sequence: number }>`
    SELECT id, quantity, last_sequence FROM ${sql.id(schema, 'products')} ORDER BY id`.execute(
    ctx.db,
  );

  return result.rows;
}

t.test('state replay reproduces the live tables and swaps them in', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 5, 30);
  const before = await products(ctx);
  const deps = depsFor(ctx);

  const rebuild = await rebuildStateSchema(deps);
  const decision = await verifyAndSwapState(deps, rebuild, { requireIdentical: true });

  t.equal(rebuild.applied, 30);
  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  t.equal(decision.comparison?.differing, 0);
  t.equal(decision.verification.stream.count, 5, 'one row per product');
  t.same(await products(ctx), before, 'same rows after the swap');
  t.same(await products(ctx, decision.retiredSchema), before, 'old tables kept');
});

t.test('state events during replay reach the new tables', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 4, 40);
  const deps = depsFor(ctx);

  const [rebuild] = await Promise.all([rebuildStateSchema(deps), publishUpdates(ctx, 4, 20, 100)]);
  const decision = await verifyAndSwapState(deps, rebuild, { requireIdentical: true });

  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  const rows = await products(ctx);
  t.same(
    rows.map((row) => row.quantity),
    [116, 117, 118, 119],
    'each product holds its last update',
  );
});

t.test('state swap refused when a row is missing or stale', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 3, 9);
  const deps = depsFor(ctx);
  const rebuild = await rebuildStateSchema(deps);

  await sql`DELETE FROM state_rebuild.products WHERE id = 2`.execute(ctx.db);
  await sql`UPDATE state_rebuild.products SET quantity = 0, state = state || '{"quantity": 0}' WHERE id = 3`.execute(
    ctx.db,
  );
  const decision = await verifyAndSwapState(deps, rebuild, { requireIdentical: false });

  t.equal(decision.swapped, false);
  t.match(decision.reason, /products:2 is missing/);
  t.match(decision.reason, /products:3 holds another state/);
  t.equal((await products(ctx)).length, 3, 'live tables untouched');
});

t.test('determinism option refuses a differing state row', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 3, 6);
  await sql`UPDATE products SET name = 'edited by hand' WHERE id = 1`.execute(ctx.db);
  const deps = depsFor(ctx);
  const rebuild = await rebuildStateSchema(deps);

  const verification = await verifyStateSchema(deps, rebuild.schema, rebuild.highWater);
  const comparison = await compareStateWithLive(ctx.db, rebuild.schema, rebuild.highWater);
  const strict = await verifyAndSwapState(deps, rebuild, { requireIdentical: true });

  t.equal(verification.ok, true, 'rebuild matches the stream');
  t.equal(comparison.differing, 1, 'the hand edit is the one difference');
  t.equal(comparison.examples[0]?.table, 'products');
  t.equal(strict.swapped, false);
  t.match(strict.reason, /1 rows differ from the live tables \(first: products 1\)/);
});

t.test('interrupted state replay resumes', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 3, 12);
  const deps = depsFor(ctx);
  await rebuildStateSchema(deps);
  await sql`UPDATE projection_checkpoints SET last_sequence = 5 WHERE projection = 'state_rebuild'`.execute(
    ctx.db,
  );

  const resumed = await rebuildStateSchema(deps);

  t.equal(resumed.resumedFrom, 5);
  t.equal(resumed.applied, 7);
  t.equal((await verifyStateSchema(deps, resumed.schema, resumed.highWater)).ok, true);
});

t.test('state swap moves id sequences past the rebuilt ids', async (t) => {
  const ctx = await createTestContext<StockTables>(t);
  await publishUpdates(ctx, 4, 8);
  const deps = depsFor(ctx);

  const rebuild = await rebuildStateSchema(deps);
  const decision = await verifyAndSwapState(deps, rebuild, { requireIdentical: true });
  const next = await sql<{ id: number }>`SELECT nextval('product_id_seq') AS id`.execute(ctx.db);

  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  t.equal(Number(next.rows[0]?.id), 5, 'the next product id follows the highest rebuilt id');
});
