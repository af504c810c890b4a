// Appends a state-changing event with optimistic concurrency: read the
// entity's last event by direct get (its `after` is the current state, its
// sequence the expected last subject sequence), decide, append; when another
// event got there first, read again and decide again.
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEvent, type Actor, type EntityType, type EventEnvelope } from '@stock-audit/events';
import {
  SequenceConflictError,
  getLastEvent,
  publishEvent,
  stateSubject,
} from '@stock-audit/jetstream';
import { conflict } from '@stock-audit/service-kit';
import { applyStateEvent } from '../read-model/apply.ts';
import { commandEvent } from './events.ts';
import type { CommandContext } from './types.ts';

export interface StateDecision<State> {
  type: string;
  after: State;
}

export interface AppendRequest<State> {
  entityType: EntityType;
  /** Entity whose subject carries the event, when not `entityType` (applications live on their user's). */
  subjectType?: EntityType;
  entityId: number;
  /** Stays the same on every attempt, so a repeated append is stored once. */
  eventId: string;
  action?: string;
  actor?: Actor | null;
  causationId?: string | null;
  /** Returns the next state from the current one (null when none), or throws an AppError. */
  decide(current: State | null): StateDecision<State> | Promise<StateDecision<State>>;
}

export interface AppendedEvent<State> {
  event: EventEnvelope;
  sequence: number;
  after: State;
}

/**
 * Appends the event that `decide` returns, retrying up to
 * `options.maxAppendAttempts` times on a concurrent write, then 409
 * CONCURRENT_UPDATE. Once stored, the event is applied to the read model
 * before this returns, so the caller's next read returns it.
 */
export async function appendStateEvent<State extends Record<string, unknown>>(
  ctx: CommandContext,
  request: AppendRequest<State>,
): Promise<AppendedEvent<State>> {
  const { config, jsm, js, metrics, options } = ctx.deps;
  const subject = stateSubject(
    config.subjectPrefix,
    request.subjectType ?? request.entityType,
    request.entityId,
  );

  for (let attempt = 1; attempt <= options.maxAppendAttempts; attempt++) {
    const last = await getLastEvent(jsm, config.streamName, subject);
    const current = (last?.event.after ?? null) as State | null;
    const decision = await request.decide(current);
    const event = commandEvent(ctx, {
      id: request.eventId,
      type: decision.type,
      entityType: request.entityType,
      entityId: request.entityId,
      action: request.action,
      actor: request.actor,
      before: current,
      after: decision.after,
      causationId: request.causationId,
    });

    try {
      const ack = await publishEvent(js, subject, event, {
        expectedLastSubjectSequence: last?.sequence ?? 0,
      });
      const stored = ack.duplicate ? await readStoredEvent(ctx, ack.seq) : event;
      await applyToReadModel(ctx, stored, ack.seq);

      return { event: stored, sequence: ack.seq, after: stored.after as State };
    } catch (error) {
      if (!(error instanceof SequenceConflictError)) throw error;
      metrics.appendConflicts.inc({ entity_type: request.entityType });
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  throw conflict(
    `${request.entityType} ${request.entityId} kept changing concurrently; retry the request`,
    'CONCURRENT_UPDATE',
  );
}

/** Reads the event a deduplicated append had stored earlier with the same id. */
async function readStoredEvent(ctx: CommandContext, sequence: number): Promise<EventEnvelope> {
  const message = await ctx.deps.jsm.streams.getMessage(ctx.deps.config.streamName, {
    seq: sequence,
  });

  return decodeEvent(message.data);
}

async function applyToReadModel(ctx: CommandContext, event: EventEnvelope, sequence: number) {
  const ids = { event_id: event.id, correlation_id: event.correlation_id, stream_seq: sequence };
  try {
    await applyStateEvent(ctx.deps.db, event, sequence);
    ctx.log.info({ ...ids, event_type: event.type, entity_id: event.entity_id }, 'event appended');
  } catch (error) {
    // The event is stored; the state projector applies it later.
    ctx.log.error({ ...ids, err: error }, 'event appended but not applied to the read model');
  }
}
