import t from 'tap';
import type { AuditTables } from '@stock-audit/audit-log';
import { createTestContext } from '@stock-audit/testkit';
import { readProgress } from '../src/index.ts';
import { countRows, freePort, publishProducts, runToEnd, spawnScript, waitFor } from './helpers.ts';

t.test('SIGKILL mid-batch loses and duplicates nothing', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  const total = 3000;
  await publishProducts(ctx, total);
  const port = await freePort();
  const env = {
    ...ctx.env,
    AUDIT_PROJECTOR_PORT: String(port),
    AUDIT_BATCH_SIZE: '50',
    AUDIT_ACK_WAIT_MS: '2000',
  };

  const first = spawnScript('services/audit-projector/src/main.ts', env);
  const firstExit = runToEnd(first);
  t.teardown(() => first.kill('SIGKILL'));
  await waitFor(async () => (await countRows(ctx)) >= 300, '300 rows', 30_000);
  first.kill('SIGKILL');
  const killed = await firstExit;
  t.equal(killed.code, null, 'killed by the signal');
  const rowsAtKill = await countRows(ctx);
  t.ok(rowsAtKill < total, `killed while projecting (${rowsAtKill} of ${total} rows)`);

  const second = spawnScript('services/audit-projector/src/main.ts', env);
  const secondExit = runToEnd(second);
  t.teardown(() => second.kill('SIGKILL'));
  await waitFor(async () => (await countRows(ctx)) === total, `${total} rows`, 60_000);
  await waitFor(
    async () => (await readProgress(ctx.db, ctx.jsm, ctx.streamName)).projectedThrough === total,
    'checkpoint at the end',
  );

  const { distinct } = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.count<number>('event_id').distinct().as('distinct'))
    .executeTakeFirstOrThrow();
  t.equal(Number(distinct), total, 'one row per event');
  const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
  t.equal(health.projection.rows, total);
  t.equal(health.projection.no_gaps, true);
  t.equal(health.projection.pending, 0);

  second.kill('SIGTERM');
  const stopped = await secondExit;
  t.equal(stopped.code, 0, `clean exit on SIGTERM: ${stopped.stderr}`);
});
