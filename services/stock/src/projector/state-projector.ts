// The durable state consumer: fetches state events in batches from the
// `state-projector` consumer (filter `<prefix>.state.>`) and applies each to
// the read model. Events the command API already applied are no-ops, so
// the read model can be rebuilt from the stream alone. An event that fails to
// apply is retried with backoff, and the projector reports itself stalled
// until it applies. Several instances may share the durable consumer.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Config } from '@stock-audit/config';
import { InvalidEventError, decodeEvent, type EventEnvelope } from '@stock-audit/events';
import { ensureDurableConsumer, stateEventsFilter } from '@stock-audit/jetstream';
import { applyStateEvent } from '../read-model/apply.ts';
import type { StockTables } from '../tables.ts';
import { saveCheckpoint } from './checkpoint.ts';
import type { ProjectorMetrics } from './metrics.ts';

export const STATE_PROJECTOR = 'state-projector';

export interface StateProjectorOptions {
  config: Config;
  db: Kysely<StockTables>;
  js: JetStreamClient;
  jsm: JetStreamManager;
  log: FastifyBaseLogger;
  metrics: ProjectorMetrics;
  batchSize?: number;
  /** Milliseconds a fetch waits for messages before returning a short batch; at least 1000 (nats.js). */
  fetchExpiresMs?: number;
  /** Delays between attempts to apply an event that failed: doubling from `initialMs` up to `maxMs`. */
  retry?: RetryDelays;
}

export interface RetryDelays {
  initialMs: number;
  maxMs: number;
}

// The cap stays below the consumer's 30 s ack wait, so each retry restarts
// the wait before the server would deliver the event again.
export const DEFAULT_RETRY_DELAYS: RetryDelays = { initialMs: 1000, maxMs: 20_000 };

/** The event the projector cannot apply, which holds back every later state event. */
export interface StalledEvent {
  stream_seq: number;
  event_id: string;
  error: string;
  attempts: number;
  /** When the first attempt failed, RFC 3339 UTC. */
  since: string;
}

export interface ProjectorStatus {
  status: 'ok' | 'stalled';
  stalled: StalledEvent | null;
}

export interface StateProjector {
  /** Returns whether the projector is keeping up or stuck on one event. */
  status(): ProjectorStatus;
  /** Stops fetching, ends any retry wait and resolves once the current batch is finished. */
  stop(): Promise<void>;
}

/** Creates the durable consumer, or updates its settings; safe on every start. */
export async function ensureStateConsumer(jsm: JetStreamManager, config: Config): Promise<void> {
  await ensureDurableConsumer(jsm, {
    stream: config.streamName,
    durableName: STATE_PROJECTOR,
    filterSubject: stateEventsFilter(config.subjectPrefix),
  });
}

interface ProjectorRun {
  options: StateProjectorOptions;
  consumer: Consumer;
  /** Aborted by stop(), which ends any retry wait at once. */
  stopping: AbortSignal;
  stalled: StalledEvent | null;
}

export async function startStateProjector(options: StateProjectorOptions): Promise<StateProjector> {
  const consumer = await options.js.consumers.get(options.config.streamName, STATE_PROJECTOR);
  const stopper = new AbortController();
  const run: ProjectorRun = { options, consumer, stopping: stopper.signal, stalled: null };
  let batch: ConsumerMessages | undefined;
  options.metrics.stalled.set(0);

  const loop = (async () => {
    while (!run.stopping.aborted) {
      try {
        batch = await consumer.fetch({
          max_messages: options.batchSize ?? 200,
          expires: options.fetchExpiresMs ?? 1000,
        });
        let last = 0;
        for await (const message of batch) {
          // A message left unacknowledged on stop is delivered again later.
          if (!(await processMessage(run, message))) break;
          last = message.seq;
        }
        if (last > 0) await saveCheckpoint(options.db, STATE_PROJECTOR, last);
        await updateLag(options, consumer);
      } catch (error) {
        if (run.stopping.aborted) break;
        options.log.error({ err: error }, 'state projector batch failed; retrying');
        await pause(1000, run.stopping);
      }
    }
  })();

  return {
    status: () => ({ status: run.stalled ? 'stalled' : 'ok', stalled: run.stalled }),
    async stop() {
      stopper.abort();
      batch?.stop();
      await loop;
    },
  };
}

/** Applies or skips one message; returns false when the projector stopped before it was acknowledged. */
async function processMessage(run: ProjectorRun, message: JsMsg): Promise<boolean> {
  const { log, metrics } = run.options;
  let event;
  try {
    event = decodeEvent(message.data);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    // A malformed event can never apply; terminate it instead of redelivering forever.
    log.error(
      { err: error, stream_seq: message.seq, subject: message.subject },
      'invalid state event skipped',
    );
    metrics.applied.inc({ result: 'failed' });
    message.term();
    return true;
  }

  return applyWithRetry(run, message, event);
}

/**
 * Applies the event, retrying with capped exponential backoff until it
 * applies or the projector stops. Later events wait, because applying them
 * first would make this one look older than the rows and be ignored.
 */
// NOTE: only this instance waits. The rest of its batch passes the ack wait
// and is delivered again, so another instance on the same consumer may apply
// later events meanwhile.
async function applyWithRetry(
  run: ProjectorRun,
  message: JsMsg,
  event: EventEnvelope,
): Promise<boolean> {
  const { log, metrics } = run.options;
  const delays = run.options.retry ?? DEFAULT_RETRY_DELAYS;
  const ids = { event_id: event.id, correlation_id: event.correlation_id, stream_seq: message.seq };

  for (let attempt = 1; ; attempt++) {
    const delayMs = Math.min(delays.initialMs * 2 ** (attempt - 1), delays.maxMs);
    try {
      const applied = await applyStateEvent(run.options.db, event, message.seq);
      metrics.applied.inc({ result: applied ? 'applied' : 'ignored' });
      metrics.lastSequence.set(message.seq);
      message.ack();
      if (run.stalled) {
        log.info({ ...ids, attempts: attempt }, 'stalled state event applied; projector resumed');
        run.stalled = null;
        metrics.stalled.set(0);
      }
      log.debug({ ...ids, event_type: event.type }, 'state event applied');

      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      metrics.applied.inc({ result: 'failed' });
      metrics.stalled.set(1);
      run.stalled = {
        stream_seq: message.seq,
        event_id: event.id,
        error: reason,
        attempts: attempt,
        since: run.stalled?.since ?? new Date().toISOString(),
      };
      // The stack only helps once, and the backoff limits the lines that follow.
      const details = attempt === 1 ? { err: error } : { error: reason };
      log.error(
        { ...ids, ...details, attempt, retry_in_ms: delayMs },
        'state event not applied; later state events wait until it applies',
      );
    }

    if (run.stopping.aborted) break;
    // Restarts the ack wait, so the server does not hand the event to another instance meanwhile.
    message.working();
    await updateLag(run.options, run.consumer).catch(() => undefined);
    await pause(delayMs, run.stopping);
    if (run.stopping.aborted) break;
  }
  // Stopped while retrying: the server delivers the event again, to this or another instance.
  message.nak();

  return false;
}

/** Waits `ms` milliseconds, or less when `signal` aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
async function updateLag(options: StateProjectorOptions, consumer: Consumer): Promise<void> {
  // Messages delivered but not yet acknowledged are being processed, so only
  // undelivered ones count as lag.
  const info = await consumer.info();
  options.metrics.lag.set(info.num_pending);
}
