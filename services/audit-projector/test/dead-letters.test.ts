import t from 'tap';
import { createEvent } from '@stock-audit/events';
import { publishEvent, stateSubject } from '@stock-audit/jetstream';
import { toAuditRow, type AuditTables, type RowMapper } from '@stock-audit/audit-log';
import { createTestContext } from '@stock-audit/testkit';
import { listDeadLetters, readProgress, redriveDeadLetters } from '../src/index.ts';
import {
  countRows,
  productEvent,
  publishProducts,
  runToEnd,
  spawnScript,
  startInProcess,
  waitFor,
} from './helpers.ts';

// Stands in for a bug in the row mapping that a later release fixes.
const buggyToRow: RowMapper = (event, sequence, subject) => {
  if (event.after?.name === 'Trigger') throw new Error('mapping bug on Trigger');

  return toAuditRow(event, sequence, subject);
};

t.test('bad events are dead-lettered and later ones projected', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 3);
  await ctx.js.publish(`${ctx.subjectPrefix}.state.product.4`, new TextEncoder().encode('{oops'));
  const trigger = productEvent(5, 'Trigger');
  await publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'product', 5), trigger);
  const nul = createEvent({
    type: 'product.created',
    entity_type: 'product',
    entity_id: '6',
    action: 'create',
    after: { name: 'has \u0000 inside' },
  });
  // publishEvent validates and rejects NUL, so this stands for a publisher
  // that bypasses the shared helper.
  await ctx.js.publish(
    stateSubject(ctx.subjectPrefix, 'product', 6),
    new TextEncoder().encode(JSON.stringify(nul)),
  );
  await publishProducts(ctx, 3, 7);

  const projector = await startInProcess(t, ctx, { toRow: buggyToRow });
  await waitFor(
    async () => (await readProgress(ctx.db, ctx.jsm, ctx.streamName)).projectedThrough === 9,
    'checkpoint 9',
  );

  t.equal(await countRows(ctx), 6, 'every good event before and after is stored');
  const letters = await listDeadLetters(ctx.db);
  t.same(
    letters.map((letter) => letter.sequence),
    [4, 5, 6],
  );
  t.match(letters[0]!.reason, /payload is not JSON/);
  t.match(letters[1]!.reason, /mapping bug on Trigger/);
  t.match(letters[2]!.reason, /contains a NUL character/);
  const stored = await ctx.db
    .selectFrom('audit_dead_letters')
    .select('data')
    .where('stream_sequence', '=', 4)
    .executeTakeFirstOrThrow();
  t.equal(Buffer.from(stored.data).toString(), '{oops', 'original bytes kept');
  const progress = await readProgress(ctx.db, ctx.jsm, ctx.streamName);
  t.equal(progress.openDeadLetters, 3);
  t.equal(progress.missing, 0, 'dead letters are accounted for');
  const health = await fetch(`http://127.0.0.1:${projector.port}/health`);
  t.equal(health.status, 200, 'the process is up');
  const body = await health.json();
  t.equal(body.status, 'degraded');
  t.equal(body.projection.dead_letters, 3);
  t.same(body.problems, [
    '3 open dead letters; list them with npx tsx services/audit-projector/src/cli.ts dead-letters list',
  ]);
  t.equal((await fetch(`http://127.0.0.1:${projector.port}/ready`)).status, 200);

  // The counters move just after the commit that the checkpoint shows.
  await waitFor(async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();

    return /audit_projector_dead_letters_total 3/.test(metrics);
  }, 'dead letters counted');
  await projector.stop();

  // The fixed mapping stores the Trigger event; the other two fail again.
  const result = await redriveDeadLetters(ctx.db);
  t.same(result.redriven, [5]);
  t.same(
    result.failed.map((failure) => failure.sequence),
    [4, 6],
  );
  t.equal(await countRows(ctx), 7);
  const row = await ctx.db
    .selectFrom('audit_log')
    .select(['id', 'event_id'])
    .where('id', '=', 5)
    .executeTakeFirstOrThrow();
  t.equal(row.event_id, trigger.id);
  const after = await listDeadLetters(ctx.db, { all: true });
  t.same(
    after.map((letter) => [letter.sequence, letter.redrivenAt !== null, letter.attempts]),
    [
      [4, false, 2],
      [5, true, 1],
      [6, false, 2],
    ],
  );
  const final = await readProgress(ctx.db, ctx.jsm, ctx.streamName);
  t.equal(final.rows, 7);
  t.equal(final.openDeadLetters, 2);
  t.equal(final.missing, 0);
});

t.test('CLI lists, redrives and reports status', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 2);
  await publishEvent(
    ctx.js,
    stateSubject(ctx.subjectPrefix, 'product', 3),
    productEvent(3, 'Trigger'),
  );
  const projector = await startInProcess(t, ctx, { toRow: buggyToRow });
  await waitFor(
    async () => (await readProgress(ctx.db, ctx.jsm, ctx.streamName)).projectedThrough === 3,
    'checkpoint 3',
  );
  await projector.stop();
  const cli = 'services/audit-projector/src/cli.ts';

  const list = await runToEnd(spawnScript(cli, ctx.env, ['dead-letters', 'list']));
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^seq 3 .* open .*\n {2}Cannot build the audit row: mapping bug on Trigger/);

  const status = await runToEnd(spawnScript(cli, ctx.env, ['status']));
  t.equal(status.code, 1, 'open dead letters fail the status');
  t.same(status.stdout.trim().split('\n'), [
    'projected through stream sequence 3; rows = events seen (2 rows + 0 duplicates + 1 dead letters = 3 events); no gaps; 0 pending',
    '1 open dead letter; list them with npx tsx services/audit-projector/src/cli.ts dead-letters list',
  ]);

  const redrive = await runToEnd(
    spawnScript(cli, ctx.env, ['dead-letters', 'redrive', '--seq', '3']),
  );
  t.equal(redrive.code, 0, redrive.stderr);
  t.match(redrive.stdout, /redriven: 1; still failing: 0/);
  t.equal(await countRows(ctx), 3);
  const healthy = await runToEnd(spawnScript(cli, ctx.env, ['status']));
  t.equal(healthy.code, 0, healthy.stderr);
  t.equal(
    healthy.stdout.trim(),
    'projected through stream sequence 3; rows = events seen (3 rows + 0 duplicates + 0 dead letters = 3 events); no gaps; 0 pending',
  );

  const missing = await runToEnd(
    spawnScript(cli, ctx.env, ['dead-letters', 'redrive', '--seq', '3']),
  );
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no open dead letter at stream sequence 3/);

  const usage = await runToEnd(spawnScript(cli, ctx.env, ['dead-letters', 'list', '--limit', 'x']));
  t.equal(usage.code, 2);
  t.match(usage.stderr, /--limit must be a positive integer/);
});
