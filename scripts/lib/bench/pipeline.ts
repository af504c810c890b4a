// Benchmarks of the event pipeline below the services: optimistic appends
// (direct get of the subject's last event, then a publish that expects its
// sequence) and audit projection of stored events into audit_log.
import { projectBatch, type AuditTables } from '@stock-audit/audit-log';
import { createEvent } from '@stock-audit/events';
import { allEventsFilter, getLastEvent, publishEvent, stateSubject } from '@stock-audit/jetstream';
import type { TestContext } from '@stock-audit/testkit';
import { toStreamMessage } from '../replay/messages.ts';
import { readBatches } from '../replay/stream-reader.ts';
import { timed, type Summary } from './stats.ts';

function updateEvent(entityId: number, before: Record<string, unknown> | null, quantity: number) {
  return createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: String(entityId),
    action: 'update',
    actor: { id: '1', username: 'bench', role: 'admin' },
    client_ip: '127.0.0.1',
    before,
    after: {
      id: entityId,
      name: `product ${entityId}`,
      price: '12.50',
      quantity,
      min_quantity: 5,
      status: 'active',
    },
  });
}

/** Appends `total` events spread over `entities` subjects, each as read-then-append with an expected sequence. */
export async function benchAppend(
  ctx: TestContext<AuditTables>,
  total: number,
  entities: number,
  concurrency: number,
): Promise<Summary> {
  // One worker per entity at a time, so appends do not conflict and the
  // figure measures the append path, not retries.
  const perWorkerEntities = Math.max(1, Math.floor(entities / concurrency));

  return timed(total, concurrency, async (index) => {
    const worker = index % concurrency;
    const entityId =
      worker * perWorkerEntities + (Math.floor(index / concurrency) % perWorkerEntities) + 1;
    const subject = stateSubject(ctx.subjectPrefix, 'product', entityId);
    const last = await getLastEvent(ctx.jsm, ctx.streamName, subject);
    await publishEvent(ctx.js, subject, updateEvent(entityId, last?.event.after ?? null, index), {
      expectedLastSubjectSequence: last?.sequence ?? 0,
    });
  });
}

/** Reads every event on the stream in batches and projects them into audit_log; one operation per batch. */
export async function benchProjection(
  ctx: TestContext<AuditTables>,
  batchSize: number,
): Promise<Summary> {
  const info = await ctx.jsm.streams.info(ctx.streamName);
  const batches: Awaited<ReturnType<typeof toStreamMessage>>[][] = [];
  const range = {
    stream: ctx.streamName,
    filterSubject: allEventsFilter(ctx.subjectPrefix),
    fromSequence: 1,
    toSequence: info.state.last_seq,
    batchSize,
  };
  for await (const batch of readBatches(ctx.js, ctx.jsm, range))
    batches.push(batch.map(toStreamMessage));

  const summary = await timed(batches.length, 1, async (index) => {
    await projectBatch(ctx.db, batches[index] as never);
  });
  const events = batches.reduce((sum, batch) => sum + batch.length, 0);

  return { ...summary, count: events, perSecond: events / summary.seconds };
}
