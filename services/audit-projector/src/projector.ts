// The audit projector's consume loop: fetch a batch from the durable pull
// consumer, store it in one transaction, and acknowledge it only after the
// commit. Several instances may share the durable consumer.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Consumer, ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import {
  projectBatch,
  type AuditTables,
  type BatchOutcome,
  type RowMapper,
  type StreamMessage,
} from '@stock-audit/audit-log';
import type { ProjectorMetrics } from './metrics.ts';

/** Name of the durable consumer every audit projector instance fetches from. */
export const DURABLE_NAME = 'audit-projector';

/** Maximum pause between two attempts at a failed fetch or write. */
const MAX_BACKOFF_MS = 30_000;
/** How long one fetch waits for messages before it returns what it has. */
const FETCH_EXPIRES_MS = 1000;

export interface ProjectorDeps {
  nc: NatsConnection;
  db: Kysely<AuditTables>;
  streamName: string;
  batchSize: number;
  logger: Logger;
  metrics: ProjectorMetrics;
  /** Replaces the row mapping, for tests of dead letters and redrive. */
  toRow?: RowMapper;
}

/** Delay before retry `attempt` (1-based): 250 ms doubling up to MAX_BACKOFF_MS. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(attempt - 1, 10));
}

export class AuditProjector {
  private stopping = false;
  private readonly abort = new AbortController();
  private currentFetch: ConsumerMessages | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: ProjectorDeps) {}

  /** Starts the loop in the background; `stop` ends it. */
  start(): void {
    this.running ??= this.run();
  }

  /**
   * Ends the loop: an open fetch stops, a batch being written commits and
   * is acknowledged, a batch waiting to retry is abandoned unacknowledged.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.currentFetch?.stop();
    await this.running;
  }

  private async run(): Promise<void> {
    const { logger } = this.deps;
    let consumer: Consumer | null = null;
    let failures = 0;
    while (!this.stopping) {
      let batch: JsMsg[];
      try {
        consumer ??= await this.deps.nc
          .jetstream()
          .consumers.get(this.deps.streamName, DURABLE_NAME);
        batch = await this.fetchBatch(consumer);
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        // Looked up again on the next attempt, in case the consumer was recreated.
        consumer = null;
        failures++;
        this.deps.metrics.errors.inc({ stage: 'fetch' });
        const delayMs = backoffMs(failures);
        logger.warn({ err: error, attempt: failures, delayMs }, 'fetch failed; retrying');
        await this.pause(delayMs);
        continue;
      }
      if (batch.length === 0) {
        this.deps.metrics.lagEvents.set(0);
        this.deps.metrics.lagSeconds.set(0);
        continue;
      }
      const outcome = await this.store(batch);
      if (outcome === null) break;
      for (const message of batch) message.ack();
      this.record(batch, outcome);
    }
    logger.info('projector loop stopped');
  }

  private async fetchBatch(consumer: Consumer): Promise<JsMsg[]> {
    const messages = await consumer.fetch({
      max_messages: this.deps.batchSize,
      expires: FETCH_EXPIRES_MS,
    });
    this.currentFetch = messages;
    const batch: JsMsg[] = [];
    try {
      for await (const message of messages) batch.push(message);
    } finally {
      this.currentFetch = null;
    }

    return batch;
  }

  /**
   * Writes the batch, retrying with backoff until it commits. Returns null
   * when the projector stops first; the batch then stays unacknowledged.
   */
  private async store(batch: JsMsg[]): Promise<BatchOutcome | null> {
    const { db, logger, metrics } = this.deps;
    const messages = batch.map(toStreamMessage);
    const timer = metrics.batchDuration.startTimer();
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await projectBatch(db, messages, { toRow: this.deps.toRow });
        timer();

        return outcome;
      } catch (error) {
        metrics.errors.inc({ stage: 'write' });
        const delayMs = backoffMs(attempt);
        logger.warn(
          {
            err: error,
            attempt,
            delayMs,
            first_sequence: messages[0]!.sequence,
            last_sequence: messages.at(-1)!.sequence,
            event_ids: messages.map((message) => message.msgId),
          },
          'storing batch failed; retrying',
        );
        if (this.stopping) return null;
        // Keeps the server from handing the batch to another instance meanwhile.
        for (const message of batch) message.working();
        await this.pause(delayMs);
        if (this.stopping) return null;
      }
    }
  }

  private record(batch: JsMsg[], outcome: BatchOutcome): void {
    const { logger, metrics } = this.deps;
    metrics.batchSize.observe(batch.length);
    metrics.eventsProjected.inc(outcome.inserted.length);
    metrics.duplicatesSkipped.inc(outcome.alreadyStored.length + outcome.duplicates.length);
    metrics.deadLetters.inc(outcome.rejected.length);
    for (const { message, reason } of outcome.rejected) {
      logger.error(
        {
          stream_sequence: message.sequence,
          event_id: message.msgId,
          correlation_id: correlationIdOf(message),
          subject: message.subject,
          reason,
        },
        'event sent to the dead-letter table',
      );
    }
    for (const sequence of outcome.duplicates) {
      logger.info({ stream_sequence: sequence }, 'event id already projected; message skipped');
    }
    const last = batch.at(-1)!.info;
    metrics.lagEvents.set(last.pending);
    metrics.lagSeconds.set(
      last.pending === 0 ? 0 : (Date.now() - last.timestampNanos / 1e6) / 1000,
    );
    logger.debug(
      {
        first_sequence: batch[0]!.seq,
        last_sequence: last.streamSequence,
        inserted: outcome.inserted.length,
      },
      'batch stored',
    );
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}

function toStreamMessage(message: JsMsg): StreamMessage {
  return {
    sequence: message.seq,
    subject: message.subject,
    msgId: message.headers?.get('Nats-Msg-Id') || null,
    // A copy, since the message's bytes may be a view of a larger buffer.
    data: Buffer.from(message.data),
  };
}

/** The correlation id of a message that may not even be JSON, for log lines. */
function correlationIdOf(message: StreamMessage): string | null {
  try {
    const value = JSON.parse(Buffer.from(message.data).toString('utf8'))?.correlation_id;

    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
