import { sql } from 'kysely';
import t from 'tap';
import { projectBatch, type AuditTables } from '@stock-audit/audit-log';
import { createEvent } from '@stock-audit/events';
import {
  allEventsFilter,
  publishEvent,
  rejectedSubject,
  stateSubject,
} from '@stock-audit/jetstream';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
import {
  rebuildAuditTable,
  verifyAndSwap,
  verifyAuditTable,
  compareWithLive,
  type AuditReplayDeps,
} from '../scripts/lib/replay/audit.ts';
import { toStreamMessage } from '../scripts/lib/replay/messages.ts';
import { lastSequence, readBatches } from '../scripts/lib/replay/stream-reader.ts';

async function publishProducts(
  ctx: TestContext<AuditTables>,
  count: number,
  offset = 0,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = String(offset + i + 1);
    const failed = i % 7 === 3;
    const event = createEvent({
      type: failed ? 'product.update_failed' : 'product.created',
      entity_type: 'product',
      entity_id: id,
      action: failed ? 'update' : 'create',
      status: failed ? 'error' : 'success',
      error: failed ? { code: 'NOT_FOUND', message: `Product ${id} not found` } : null,
      actor: { id: '1', username: 'root', role: 'root' },
      after: failed ? null : { id: Number(id), name: `item ${id}`, price: '1.50', quantity: i },
    });
    const subject = failed
      ? rejectedSubject(ctx.subjectPrefix, 'product')
      : stateSubject(ctx.subjectPrefix, 'product', id);
    await publishEvent(ctx.js, subject, event);
  }
}

/** Projects everything on the stream into audit_log, as the live projector does. */
async function projectLive(ctx: TestContext<AuditTables>): Promise<void> {
  const jsm = ctx.jsm;
  const range = {
    stream: ctx.streamName,
    filterSubject: allEventsFilter(ctx.subjectPrefix),
    fromSequence: 1,
    toSequence: await lastSequence(jsm, ctx.streamName),
  };
  for await (const batch of readBatches(ctx.js, jsm, range)) {
    await projectBatch(ctx.db, batch.map(toStreamMessage));
  }
}

function depsFor(ctx: TestContext<AuditTables>): AuditReplayDeps {
  return {
    db: ctx.db,
    nc: ctx.nc,
    streamName: ctx.streamName,
    subjectPrefix: ctx.subjectPrefix,
    auditDbRole: ctx.config.auditDbRole,
    log: () => {},
    batchSize: 16,
  };
}

async function rows(ctx: TestContext<AuditTables>, table = 'audit_log') {
  const result = await sql<{ id: number; event_id: string; description: string }>`
    SELECT id, event_id, description FROM ${sql.id(table)} ORDER BY id`.execute(ctx.db);

  return result.rows;
}

t.test('replay reproduces the live table and swaps it in', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 40);
  await projectLive(ctx);
  const before = await rows(ctx);
  const deps = depsFor(ctx);

  const rebuild = await rebuildAuditTable(deps);
  const decision = await verifyAndSwap(deps, rebuild, { requireIdentical: true });

  t.equal(rebuild.highWater, 40);
  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  t.equal(decision.comparison?.differing, 0);
  t.same(await rows(ctx), before, 'rows identical, ids included');
  t.same(await rows(ctx, decision.retiredTable), before, 'old table kept');
});

t.test('events published during replay reach the new table', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 60);
  await projectLive(ctx);
  const deps = depsFor(ctx);

  const [rebuild] = await Promise.all([rebuildAuditTable(deps), publishProducts(ctx, 30, 60)]);
  await projectLive(ctx);
  const decision = await verifyAndSwap(deps, rebuild, { requireIdentical: true });

  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  const ids = (await rows(ctx)).map((row) => row.id);
  t.same(
    ids,
    Array.from({ length: 90 }, (_, i) => i + 1),
    'every event once, none missing',
  );
});

t.test('swap refused when a row is missing', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 20);
  await projectLive(ctx);
  const deps = depsFor(ctx);
  const rebuild = await rebuildAuditTable(deps);
  await sql`DELETE FROM audit_log_rebuild WHERE id = 7`.execute(ctx.db);

  const decision = await verifyAndSwap(deps, rebuild, { requireIdentical: false });

  t.equal(decision.swapped, false);
  t.match(decision.reason, /missing sequences: 7/);
  t.equal(decision.verification.stream.count, 20);
  t.equal(decision.verification.table.count, 19);
  t.ok((await rows(ctx, 'audit_log_rebuild')).length === 19, 'rebuild table left for inspection');
  t.equal((await rows(ctx)).length, 20, 'live table untouched');
});

t.test('determinism option refuses a differing row', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 20);
  await projectLive(ctx);
  const deps = depsFor(ctx);
  const rebuild = await rebuildAuditTable(deps);
  await sql`UPDATE audit_log_rebuild SET description = 'changed' WHERE id = 5`.execute(ctx.db);

  const comparison = await compareWithLive(ctx.db, 'audit_log_rebuild', rebuild.highWater);
  const strict = await verifyAndSwap(deps, rebuild, { requireIdentical: true });

  t.equal(comparison.differing, 1);
  t.same(comparison.examples[0]?.columns, ['description']);
  t.equal(comparison.examples[0]?.rebuilt?.description, 'changed');
  t.equal(strict.swapped, false);
  t.match(strict.reason, /1 rows differ from the live table \(first: id 5\)/);

  const lenient = await verifyAndSwap(deps, rebuild, { requireIdentical: false });
  t.equal(lenient.swapped, true, 'without the option the changed table is swapped in');
  t.equal((await rows(ctx)).find((row) => row.id === 5)?.description, 'changed');
});

t.test('interrupted replay resumes after its checkpoint', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 30);
  await projectLive(ctx);
  const deps = depsFor(ctx);
  await rebuildAuditTable(deps);
  await sql`DELETE FROM audit_log_rebuild WHERE id > 12`.execute(ctx.db);
  await sql`UPDATE projection_checkpoints SET last_sequence = 12 WHERE projection = 'audit_log_rebuild'`.execute(
    ctx.db,
  );

  const resumed = await rebuildAuditTable(deps);
  const verification = await verifyAuditTable(deps, resumed.table, resumed.highWater);

  t.equal(resumed.resumedFrom, 12);
  t.equal(resumed.projected, 18);
  t.equal(verification.ok, true);
});

t.test('dead letters count as accounted for', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 5);
  await ctx.js.publish(
    rejectedSubject(ctx.subjectPrefix, 'product'),
    new TextEncoder().encode('{not json'),
  );
  await publishProducts(ctx, 5, 5);
  await projectLive(ctx);
  const deps = depsFor(ctx);

  const rebuild = await rebuildAuditTable(deps);
  const decision = await verifyAndSwap(deps, rebuild, { requireIdentical: true });

  t.equal(decision.swapped, true, decision.reason ?? 'swapped');
  t.equal(decision.verification.stream.count, 11);
  t.same(decision.verification.accountedAs, { rows: 10, deadLetters: 1, duplicates: 0 });
  t.equal((await rows(ctx)).length, 10, 'the malformed message has no row');
});
