import { randomUUID } from 'node:crypto';
import t from 'tap';
import { sql } from 'kysely';
import { createEvent, encodeEvent } from '@stock-audit/events';
import {
  allEventsFilter,
  ensureDurableConsumer,
  publishEvent,
  rejectedSubject,
  stateSubject,
} from '@stock-audit/jetstream';
import { projectBatch, type AuditTables, type StreamMessage } from '@stock-audit/audit-log';
import { createTestContext } from '@stock-audit/testkit';
import { DURABLE_NAME, readProgress } from '../src/index.ts';
import {
  countRows,
  productEvent,
  publishProducts,
  startInProcess,
  waitFor,
  type AuditContext,
} from './helpers.ts';

async function progressOf(ctx: AuditContext) {
  return readProgress(ctx.db, ctx.jsm, ctx.streamName);
}

async function streamMessages(ctx: AuditContext): Promise<StreamMessage[]> {
  const info = await ctx.jsm.streams.info(ctx.streamName);
  const messages: StreamMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const stored = await ctx.jsm.streams.getMessage(ctx.streamName, { seq });
    messages.push({ sequence: seq, subject: stored.subject, msgId: null, data: stored.data });
  }

  return messages;
}

t.test('events become audit rows with every field', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  const created = productEvent(14, 'Widget');
  const updated = createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '14',
    action: 'update',
    actor: { id: '2', username: 'alice', role: 'admin' },
    client_ip: '10.0.0.7',
    before: { id: 14, price: '10.00', quantity: 5 },
    after: { id: 14, price: '12.50', quantity: 3 },
    occurred_at: '2024-05-01T10:00:00.123456Z',
    correlation_id: 'req-1',
    causation_id: 'cmd-1',
  });
  const failedLogin = createEvent({
    type: 'user.login_failed',
    entity_type: 'user',
    action: 'login',
    status: 'error',
    error: { code: 'INVALID_CREDENTIALS', message: 'Invalid username or password' },
  });
  (failedLogin.error as Record<string, unknown>).username = 'mallory';
  await publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'product', 14), created);
  const ack = await publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'product', 14), updated);
  await publishEvent(ctx.js, rejectedSubject(ctx.subjectPrefix, 'user'), failedLogin);

  await startInProcess(t, ctx);
  await waitFor(async () => (await countRows(ctx)) === 3, '3 rows');

  const row = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .select((eb) => eb.cast<string>(eb.ref('timestamp'), 'text').as('timestamp_text'))
    .where('event_id', '=', updated.id)
    .executeTakeFirstOrThrow();
  t.equal(row.id, ack.seq, 'id is the stream sequence');
  t.equal(row.user_id, '2');
  t.equal(row.username, 'alice');
  t.equal(row.user_role, 'admin');
  t.equal(row.action, 'update');
  t.equal(row.event_type, 'product.updated');
  t.equal(row.entity_type, 'product');
  t.equal(row.entity_id, '14');
  t.equal(row.description, 'price: 10.00 → 12.50; quantity: 5 → 3');
  t.equal(row.timestamp_text, '2024-05-01 10:00:00.123456+00', 'microseconds kept');
  t.equal(row.status, 'success');
  t.same(row.old_value, { id: 14, price: '10.00', quantity: 5 });
  t.same(row.new_value, { id: 14, price: '12.50', quantity: 3 });
  t.equal(row.ip_address, '10.0.0.7');
  t.equal(row.correlation_id, 'req-1');
  t.equal(row.causation_id, 'cmd-1');
  t.equal(row.subject, stateSubject(ctx.subjectPrefix, 'product', 14));

  const anonymous = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('event_id', '=', failedLogin.id)
    .executeTakeFirstOrThrow();
  t.equal(anonymous.user_id, null, 'anonymous failure has no user id');
  t.equal(anonymous.username, 'mallory', 'username comes from error.username');
  t.equal(anonymous.status, 'error');
  t.equal(anonymous.description, 'Login as mallory failed: Invalid username or password');

  const progress = await progressOf(ctx);
  t.equal(progress.projectedThrough, 3);
  t.equal(progress.rows, 3);
  t.equal(progress.missing, 0);
  t.equal(progress.pending, 0);
});

t.test('same event under two stream sequences gives one row', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  const event = productEvent(1);
  const subject = stateSubject(ctx.subjectPrefix, 'product', 1);
  const first = await publishEvent(ctx.js, subject, event);
  const again = await publishEvent(ctx.js, subject, event);
  const other = await ctx.js.publish(subject, encodeEvent(event), { msgID: randomUUID() });
  t.equal(again.duplicate, true, 'same Nats-Msg-Id is stored once by the stream');
  t.not(other.seq, first.seq, 'another Nats-Msg-Id stores a second message');

  await startInProcess(t, ctx);
  await waitFor(async () => (await progressOf(ctx)).projectedThrough === other.seq, 'checkpoint');

  t.equal(await countRows(ctx), 1);
  const duplicate = await ctx.db
    .selectFrom('audit_duplicate_events')
    .selectAll()
    .executeTakeFirstOrThrow();
  t.equal(duplicate.stream_sequence, other.seq);
  t.equal(duplicate.original_sequence, first.seq);
  const progress = await progressOf(ctx);
  t.equal(progress.duplicates, 1);
  t.equal(progress.missing, 0, 'the duplicate is accounted for');
});

t.test('unacknowledged batch is redelivered without a second row', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await ensureDurableConsumer(ctx.jsm, {
    stream: ctx.streamName,
    durableName: DURABLE_NAME,
    filterSubject: allEventsFilter(ctx.subjectPrefix),
    ackWaitMs: 1000,
  });
  await publishProducts(ctx, 10);

  // Fetch from the durable consumer, store, and never acknowledge: the
  // crash window between commit and ack.
  const consumer = await ctx.js.consumers.get(ctx.streamName, DURABLE_NAME);
  const batch: StreamMessage[] = [];
  for await (const message of await consumer.fetch({ max_messages: 10, expires: 2000 })) {
    batch.push({
      sequence: message.seq,
      subject: message.subject,
      msgId: null,
      data: message.data,
    });
  }
  t.equal(batch.length, 10);
  await projectBatch(ctx.db, batch);
  t.equal(await countRows(ctx), 10);

  await startInProcess(t, ctx, { ackWaitMs: 1000 });
  await waitFor(async () => {
    const info = await ctx.jsm.consumers.info(ctx.streamName, DURABLE_NAME);

    return info.delivered.consumer_seq >= 20 && info.num_ack_pending === 0;
  }, 'redelivery acknowledged');
  t.equal(await countRows(ctx), 10, 'redelivered events add no row');
  t.equal((await progressOf(ctx)).rows, 10);
  t.equal((await progressOf(ctx)).missing, 0);
});

t.test('replaying the whole stream adds nothing', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await publishProducts(ctx, 30);
  const projector = await startInProcess(t, ctx);
  await waitFor(async () => (await countRows(ctx)) === 30, '30 rows');
  await projector.stop();

  const replay = await projectBatch(ctx.db, await streamMessages(ctx));
  t.equal(replay.inserted.length, 0);
  t.equal(replay.alreadyStored.length, 30);

  // A fresh durable consumer starts again from the first message.
  await ctx.jsm.consumers.delete(ctx.streamName, DURABLE_NAME);
  await startInProcess(t, ctx);
  await waitFor(
    async () => (await ctx.jsm.consumers.info(ctx.streamName, DURABLE_NAME)).num_pending === 0,
    'replay delivered',
  );
  await waitFor(
    async () => (await ctx.jsm.consumers.info(ctx.streamName, DURABLE_NAME)).num_ack_pending === 0,
    'replay acknowledged',
  );
  t.equal(await countRows(ctx), 30);
  t.equal((await progressOf(ctx)).missing, 0);
});

t.test('two instances share one durable consumer', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await startInProcess(t, ctx, { batchSize: 20 });
  await startInProcess(t, ctx, { batchSize: 20 });
  const events = await publishProducts(ctx, 600);

  await waitFor(async () => (await progressOf(ctx)).rows === events.length, 'all rows');
  const { distinct } = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.count<number>('event_id').distinct().as('distinct'))
    .executeTakeFirstOrThrow();
  t.equal(Number(distinct), 600);
  t.equal(await countRows(ctx), 600);
  await waitFor(async () => (await progressOf(ctx)).projectedThrough === 600, 'checkpoint');
  t.equal((await progressOf(ctx)).missing, 0);
});

t.test('metrics and health report the projection', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  const projector = await startInProcess(t, ctx);
  await publishProducts(ctx, 5);
  await waitFor(async () => (await countRows(ctx)) === 5, '5 rows');
  await waitFor(async () => (await progressOf(ctx)).projectedThrough === 5, 'checkpoint');

  const health = await (await fetch(`http://127.0.0.1:${projector.port}/health`)).json();
  t.same(health, {
    status: 'ok',
    problems: [],
    projection: {
      projected_through: 5,
      rows: 5,
      duplicates: 0,
      dead_letters: 0,
      events_seen: 5,
      missing: 0,
      no_gaps: true,
      stream_last_sequence: 5,
      pending: 0,
    },
  });
  const ready = await fetch(`http://127.0.0.1:${projector.port}/ready`);
  t.equal(ready.status, 200);
  // The counters move just after the commit that the checkpoint shows.
  const readMetrics = async () =>
    (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();
  await waitFor(
    async () => /audit_projector_events_projected_total 5/.test(await readMetrics()),
    'events counted',
  );
  const metrics = await readMetrics();
  t.match(metrics, /audit_projector_events_projected_total 5/);
  t.match(metrics, /audit_projector_batch_duration_seconds_count \d+/);
  t.match(metrics, /audit_projector_lag_events 0/);
  t.match(metrics, /audit_projector_dead_letters_total 0/);
});

t.test('database outage is retried without acknowledging', async (t) => {
  const ctx = await createTestContext<AuditTables>(t);
  await sql`ALTER TABLE audit_log RENAME TO audit_log_offline`.execute(ctx.db);
  const projector = await startInProcess(t, ctx);
  await publishProducts(ctx, 10);

  await waitFor(async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();

    return /audit_projector_errors_total\{stage="write"\} [2-9]/.test(metrics);
  }, 'two failed writes');
  const info = await ctx.jsm.consumers.info(ctx.streamName, DURABLE_NAME);
  t.equal(info.num_ack_pending, 10, 'the failed batch stays unacknowledged');

  await sql`ALTER TABLE audit_log_offline RENAME TO audit_log`.execute(ctx.db);
  await waitFor(async () => (await countRows(ctx)) === 10, '10 rows after recovery');
  await waitFor(
    async () => (await ctx.jsm.consumers.info(ctx.streamName, DURABLE_NAME)).num_ack_pending === 0,
    'batch acknowledged',
  );
  t.equal((await progressOf(ctx)).missing, 0);
  t.equal(
    await ctx.db
      .selectFrom('audit_dead_letters')
      .select('stream_sequence')
      .execute()
      .then((rows) => rows.length),
    0,
    'no dead letters',
  );
});
