// The durable state consumer: fetches state events in batches from the
// `state-projector` consumer (filter `<prefix>.state.>`) and applies each to
// the read model. Events the command API already applied are no-ops, so
// the read model can be rebuilt from the stream alone. Several instances may
// share the durable consumer.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Config } from '@stock-audit/config';
import { InvalidEventError, decodeEvent } from '@stock-audit/events';
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
}

export interface StateProjector {
  /** Stops fetching and resolves once the current batch is finished. */
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

export async function startStateProjector(options: StateProjectorOptions): Promise<StateProjector> {
  const consumer = await options.js.consumers.get(options.config.streamName, STATE_PROJECTOR);
  let running = true;
  let batch: ConsumerMessages | undefined;

  const loop = (async () => {
    while (running) {
      try {
        batch = await consumer.fetch({
          max_messages: options.batchSize ?? 200,
          expires: options.fetchExpiresMs ?? 1000,
        });
        let last = 0;
        for await (const message of batch) {
          await processMessage(options, message);
          last = message.seq;
        }
        if (last > 0) await saveCheckpoint(options.db, STATE_PROJECTOR, last);
        await updateLag(options, consumer);
      } catch (error) {
        if (!running) break;
        options.log.error({ err: error }, 'state projector batch failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  return {
    async stop() {
      running = false;
      batch?.stop();
      await loop;
    },
  };
}

async function processMessage(options: StateProjectorOptions, message: JsMsg): Promise<void> {
  const { log, metrics } = options;
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
    return;
  }

  const ids = { event_id: event.id, correlation_id: event.correlation_id, stream_seq: message.seq };
  try {
    const applied = await applyStateEvent(options.db, event, message.seq);
    metrics.applied.inc({ result: applied ? 'applied' : 'ignored' });
    metrics.lastSequence.set(message.seq);
    log.debug({ ...ids, event_type: event.type }, 'state event applied');
    message.ack();
  } catch (error) {
    metrics.applied.inc({ result: 'failed' });
    log.error({ ...ids, err: error }, 'state event not applied; it will be redelivered');
    message.nak(1000);
  }
}

async function updateLag(options: StateProjectorOptions, consumer: Consumer): Promise<void> {
  // Messages delivered but not yet acknowledged are being processed, so only
  // undelivered ones count as lag.
  const info = await consumer.info();
  options.metrics.lag.set(info.num_pending);
}
