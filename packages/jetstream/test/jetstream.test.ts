import t from 'tap';
import { createEvent } from '@stock-audit/events';
import {
  SequenceConflictError,
  ensureDurableConsumer,
  ensureStream,
  getLastEvent,
  publishEvent,
  stateSubject,
} from '@stock-audit/jetstream';
import { createTestContext } from '@stock-audit/testkit';

function productEvent(quantity: number) {
  return createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '1',
    action: 'update',
    after: { id: 1, quantity },
  });
}

t.test('ensureStream is idempotent', async (t) => {
  const ctx = await createTestContext(t, { createStream: false });
  const settings = { name: ctx.streamName, subjectPrefix: ctx.subjectPrefix };

  const first = await ensureStream(ctx.jsm, settings);
  const second = await ensureStream(ctx.jsm, settings);

  t.same(second.config, first.config, 'second run leaves the configuration as it was');
  t.same(first.config.subjects, [`${ctx.subjectPrefix}.>`]);
  t.equal(first.config.storage, 'file');
  t.equal(first.config.max_age, 0, 'nothing expires');
  t.ok(first.config.duplicate_window >= 120 * 1e9, 'duplicate window is at least two minutes');
  t.equal(first.config.allow_direct, true);
  t.equal(
    (await ctx.jsm.streams.list().next()).filter((s) => s.config.name === ctx.streamName).length,
    1,
  );
});

t.test('same event id published twice is stored once', async (t) => {
  const ctx = await createTestContext(t);
  const subject = stateSubject(ctx.subjectPrefix, 'product', 1);
  const event = productEvent(5);

  const first = await publishEvent(ctx.js, subject, event);
  const second = await publishEvent(ctx.js, subject, event);

  t.equal(first.duplicate, false);
  t.equal(second.duplicate, true);
  t.equal(second.seq, first.seq);
  t.equal((await ctx.jsm.streams.info(ctx.streamName)).state.messages, 1);
});

t.test('stale expected subject sequence raises conflict', async (t) => {
  const ctx = await createTestContext(t);
  const subject = stateSubject(ctx.subjectPrefix, 'product', 1);
  const first = await publishEvent(ctx.js, subject, productEvent(5), {
    expectedLastSubjectSequence: 0,
  });
  await publishEvent(ctx.js, subject, productEvent(6), { expectedLastSubjectSequence: first.seq });

  const error = await t.rejects(
    publishEvent(ctx.js, subject, productEvent(7), { expectedLastSubjectSequence: first.seq }),
  );

  t.type(error, SequenceConflictError);
  t.equal((error as unknown as SequenceConflictError).code, 'SEQUENCE_CONFLICT');
  t.equal((await ctx.jsm.streams.info(ctx.streamName)).state.messages, 2, 'nothing stored');
  t.equal((await getLastEvent(ctx.jsm, ctx.streamName, subject))?.event.after?.quantity, 6);
});

t.test('expected sequence 0 rejects a subject that has events', async (t) => {
  const ctx = await createTestContext(t);
  const subject = stateSubject(ctx.subjectPrefix, 'product', 1);
  await publishEvent(ctx.js, subject, productEvent(5), { expectedLastSubjectSequence: 0 });

  await t.rejects(
    publishEvent(ctx.js, subject, productEvent(6), { expectedLastSubjectSequence: 0 }),
    SequenceConflictError,
  );
});

t.test('getLastEvent returns null for an empty subject', async (t) => {
  const ctx = await createTestContext(t);

  t.equal(
    await getLastEvent(ctx.jsm, ctx.streamName, stateSubject(ctx.subjectPrefix, 'product', 99)),
    null,
  );
});

t.test('invalid event is not published', async (t) => {
  const ctx = await createTestContext(t);
  const event = { ...productEvent(1), after: { password: 'hunter2' } };

  await t.rejects(publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'user', 1), event), {
    code: 'EVENT_INVALID',
  });
  t.equal((await ctx.jsm.streams.info(ctx.streamName)).state.messages, 0);
});

t.test('durable consumer delivers every event once acked', async (t) => {
  const ctx = await createTestContext(t);
  const durableName = 'audit';
  await ensureDurableConsumer(ctx.jsm, {
    stream: ctx.streamName,
    durableName,
    filterSubject: `${ctx.subjectPrefix}.>`,
  });
  const again = await ensureDurableConsumer(ctx.jsm, {
    stream: ctx.streamName,
    durableName,
    filterSubject: `${ctx.subjectPrefix}.>`,
  });
  t.equal(again.name, durableName, 'second ensure keeps the consumer');
  for (let quantity = 0; quantity < 3; quantity++) {
    await publishEvent(
      ctx.js,
      stateSubject(ctx.subjectPrefix, 'product', quantity),
      productEvent(quantity),
    );
  }

  const consumer = await ctx.js.consumers.get(ctx.streamName, durableName);
  const batch = await consumer.fetch({ max_messages: 10, expires: 1000 });
  const sequences: number[] = [];
  for await (const message of batch) {
    sequences.push(message.seq);
    message.ack();
  }

  t.same(sequences, [1, 2, 3]);
});
