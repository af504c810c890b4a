// Reads a stream's messages in sequence order from a start sequence up to a
// last sequence, through a short-lived pull consumer that needs no acks.
// nats-server 2.9 allows one filter subject per consumer, so one is used.
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from 'nats';

export interface ReadRange {
  stream: string;
  filterSubject: string;
  /** First stream sequence to read. */
  fromSequence: number;
  /** Last stream sequence to read, inclusive. */
  toSequence: number;
  batchSize?: number;
}

/**
 * Yields batches of messages with `fromSequence <= seq <= toSequence`, in
 * order. Sequences that the filter skips are absent, not errors.
 */
export async function* readBatches(
  js: JetStreamClient,
  jsm: JetStreamManager,
  range: ReadRange,
): AsyncGenerator<JsMsg[]> {
  if (range.fromSequence > range.toSequence) return;
  const batchSize = range.batchSize ?? 500;
  const info = await jsm.consumers.add(range.stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: range.fromSequence,
    filter_subject: range.filterSubject,
    inactive_threshold: nanos(60_000),
    mem_storage: true,
  });
  try {
    const consumer = await js.consumers.get(range.stream, info.name);
    for (;;) {
      const pending = await consumer.info();
      if (pending.num_pending === 0) return;
      const batch: JsMsg[] = [];
      let done = false;
      // A fetch waits for its full count until it expires, so ask for no
      // more than can still arrive before the last sequence.
      const remaining = Math.max(1, range.toSequence - pending.delivered.stream_seq);
      const count = Math.min(batchSize, pending.num_pending, remaining);
      const messages = await consumer.fetch({ max_messages: count, expires: 2000 });
      for await (const message of messages) {
        if (message.seq > range.toSequence) {
          done = true;
          break;
        }
        batch.push(message);
      }
      if (batch.length > 0) yield batch;
      const last = batch.at(-1)?.seq ?? 0;
      if (done || last >= range.toSequence) return;
      if (batch.length === 0 && (await consumer.info()).num_pending === 0) return;
    }
  } finally {
    await jsm.consumers.delete(range.stream, info.name).catch(() => undefined);
  }
}

/** Returns the stream's last sequence: the high-water mark a replay reads up to. */
export async function lastSequence(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.last_seq;
}
