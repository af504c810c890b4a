import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import {
  STATE_TABLES,
  createProjectorMetrics,
  ensureStateConsumer,
  rebuildStateModel,
  startStateProjector,
} from '../src/index.ts';
import { readCheckpoint } from '../src/projector/checkpoint.ts';
import { createProduct, createUser, startStock, type Harness } from './helpers.ts';

async function runWorkload(harness: Harness) {
  const { call, rootToken } = harness;
  const seller = await createUser(harness, 'seller', 'sam');
  const product = await createProduct(harness, { quantity: 20 });
  await createProduct(harness, { name: 'Other' });
  await call('PUT', `/api/products/${product.id}`, { token: rootToken, body: { price: '9.99' } });
  const sale = await call('POST', '/api/sales', {
    token: seller.token,
    body: { items: [{ product_id: product.id, quantity: 4 }], payment_method: 'card' },
  });
  await call('PUT', `/api/sales/${sale.body.id}`, {
    token: rootToken,
    body: { status: 'cancelled' },
  });
  const registered = await call('POST', '/api/register', {
    body: { username: 'tina', email: 'tina@example.com', password: 'tina-password' },
  });
  await call('POST', `/api/applications/${registered.body.id}/approve`, { token: rootToken });
  await call('DELETE', `/api/users/${seller.id}`, { token: rootToken });
}

async function tableRows(harness: Harness, schema: string, table: string) {
  const key = table === 'applications' ? 'user_id' : 'id';
  const result = await sql<
    Record<string, unknown>
  >`SELECT * FROM ${sql.id(schema, table)} ORDER BY ${sql.id(key)}`.execute(harness.ctx.db);

  return result.rows;
}

t.test('rebuild from the stream equals the live read model', async (t) => {
  const harness = await startStock(t);
  await runWorkload(harness);
  let progressCalls = 0;

  const result = await rebuildStateModel({
    db: harness.ctx.db,
    js: harness.ctx.js,
    streamName: harness.ctx.streamName,
    subjectPrefix: harness.ctx.subjectPrefix,
    schema: 'rebuilt',
    onProgress: () => progressCalls++,
  });

  t.ok(result.applied > 10, `applied ${result.applied} events`);
  t.ok(progressCalls > 0, 'progress reported');
  for (const table of STATE_TABLES) {
    const live = await tableRows(harness, 'public', table);
    const rebuilt = await tableRows(harness, 'rebuilt', table);
    t.ok(live.length > 0, `${table} has rows`);
    t.same(rebuilt, live, `${table} rebuilt equals live`);
  }
});

t.test('state projector rebuilds a wiped read model', async (t) => {
  const harness = await startStock(t);
  await runWorkload(harness);
  const live: Record<string, unknown[]> = {};
  for (const table of STATE_TABLES) live[table] = await tableRows(harness, 'public', table);
  for (const table of STATE_TABLES) await harness.ctx.db.deleteFrom(table).execute();
  await ensureStateConsumer(harness.ctx.jsm, harness.ctx.config);
  const metrics = createProjectorMetrics();

  const projector = await startStateProjector({
    config: harness.ctx.config,
    db: harness.ctx.db,
    js: harness.ctx.js,
    jsm: harness.ctx.jsm,
    log: harness.app.log,
    metrics,
  });
  const stateEvents = (await harness.events()).filter((stored) =>
    stored.subject.startsWith(`${harness.ctx.subjectPrefix}.state.`),
  );
  const lastStateSequence = stateEvents.at(-1)!.sequence;
  for (let waited = 0; waited < 100; waited++) {
    if ((await readCheckpoint(harness.ctx.db, 'state-projector')) >= lastStateSequence) break;
    await sleep(100);
  }
  await projector.stop();

  for (const table of STATE_TABLES) {
    t.same(await tableRows(harness, 'public', table), live[table], `${table} restored`);
  }
  const applied = await metrics.registry.getSingleMetricAsString(
    'stock_state_projector_events_total',
  );
  t.match(applied, new RegExp(`result="applied"} ${stateEvents.length}`));
  t.match(
    await metrics.registry.getSingleMetricAsString('stock_state_projector_lag_events'),
    /stock_state_projector_lag_events 0$/m,
  );
});

t.test('projector replays live events as no-ops', async (t) => {
  const harness = await startStock(t);
  const product = await createProduct(harness, { quantity: 5 });
  await harness.call('PUT', `/api/products/${product.id}`, {
    token: harness.rootToken,
    body: { quantity: 6 },
  });
  const before = await tableRows(harness, 'public', 'products');
  await ensureStateConsumer(harness.ctx.jsm, harness.ctx.config);

  const projector = await startStateProjector({
    config: harness.ctx.config,
    db: harness.ctx.db,
    js: harness.ctx.js,
    jsm: harness.ctx.jsm,
    log: harness.app.log,
    metrics: createProjectorMetrics(),
  });
  const last = await harness.lastSequence();
  for (let waited = 0; waited < 100; waited++) {
    if ((await readCheckpoint(harness.ctx.db, 'state-projector')) >= last) break;
    await sleep(100);
  }
  await projector.stop();

  t.same(await tableRows(harness, 'public', 'products'), before, 'rows unchanged');
  t.equal(before[0]!.quantity, 6);
});
