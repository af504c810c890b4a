import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { pino } from 'pino';
import {
  buildProjectorServer,
  createProjectorMetrics,
  ensureStateConsumer,
  startStateProjector,
  type ProjectorStatus,
} from '../src/index.ts';
import { createProduct, startStock } from './helpers.ts';

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; waited < 200; waited++) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting until ${what}`);
}

t.test('projector stalls on a failing event', async (t) => {
  const harness = await startStock(t);
  const { db } = harness.ctx;
  await createProduct(harness, { name: 'First' });
  await createProduct(harness, { name: 'Broken' });
  await createProduct(harness, { name: 'Third' });
  const events = await harness.events();
  const broken = events.find((stored) => stored.event.after?.name === 'Broken')!;
  await db.deleteFrom('products').execute();
  await sql`CREATE FUNCTION reject_broken() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.name = 'Broken' THEN RAISE EXCEPTION 'broken product row'; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER reject_broken BEFORE INSERT ON products
    FOR EACH ROW EXECUTE FUNCTION reject_broken()`.execute(db);
  await ensureStateConsumer(harness.ctx.jsm, harness.ctx.config);
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const metrics = createProjectorMetrics();
  const projector = await startStateProjector({
    config: harness.ctx.config,
    db,
    js: harness.ctx.js,
    jsm: harness.ctx.jsm,
    log,
    metrics,
    retry: { initialMs: 20, maxMs: 80 },
  });
  t.teardown(() => projector.stop());
  const server = buildProjectorServer({ log, projector, metrics, checks: {} });
  t.teardown(() => server.close());

  await waitFor(() => (projector.status().stalled?.attempts ?? 0) >= 4, 'four attempts failed');
  const health = await server.inject({ method: 'GET', url: '/health' });
  const ready = await server.inject({ method: 'GET', url: '/ready' });
  const names = (await db.selectFrom('products').select('name').execute()).map((row) => row.name);
  const stalledMetric = await metrics.registry.getSingleMetricAsString(
    'stock_state_projector_stalled',
  );

  const status = health.json() as ProjectorStatus;
  t.equal(health.statusCode, 200);
  t.equal(status.status, 'stalled');
  t.equal(status.stalled?.stream_seq, broken.sequence);
  t.equal(status.stalled?.event_id, broken.event.id);
  t.match(status.stalled?.error, /broken product row/);
  t.equal(ready.statusCode, 503);
  t.match(ready.json().checks.projector, `stalled at stream sequence ${broken.sequence}`);
  t.same(names, ['First'], 'later events wait for the failing one');
  t.match(stalledMetric, /stock_state_projector_stalled 1$/m);
  const failures = lines.filter((line) => line.stream_seq === broken.sequence && line.level === 50);
  t.ok(failures.length >= 4, 'one error line per attempt');
  t.ok(failures[0]!.err, 'first line has the error with its stack');
  t.equal(failures[1]!.err, undefined, 'later lines have no stack');
  t.match(failures[1]!.error, /broken product row/);
  t.equal(failures[1]!.event_id, broken.event.id);
  t.ok((failures[2]!.retry_in_ms as number) > (failures[0]!.retry_in_ms as number), 'delay grows');
  t.ok(
    failures.every((line) => (line.retry_in_ms as number) <= 80),
    'delay is capped',
  );

  await sql`DROP TRIGGER reject_broken ON products`.execute(db);
  await waitFor(() => projector.status().status === 'ok', 'the projector resumed');
  await waitFor(
    async () => (await db.selectFrom('products').select('id').execute()).length === 3,
    'every product applied',
  );
  const resumed = await server.inject({ method: 'GET', url: '/ready' });

  t.equal(resumed.statusCode, 200);
  t.same(projector.status(), { status: 'ok', stalled: null });
  t.match(
    await metrics.registry.getSingleMetricAsString('stock_state_projector_stalled'),
    /stock_state_projector_stalled 0$/m,
  );
});
