// Events that change no entity state: rejected commands on
// `<prefix>.rejected.<entity_type>` and activity such as logins on
// `<prefix>.activity.<entity_type>`. Neither subject takes part in the
// per-entity fold, so no concurrency check applies.
import type { Actor, EntityType, EventEnvelope } from '@stock-audit/events';
import { activitySubject, publishEvent, rejectedSubject } from '@stock-audit/jetstream';
import type { AppError } from '@stock-audit/service-kit';
import { recordedIdentity } from './claimed-identity.ts';
import { commandEvent } from './events.ts';
import { sanitizeClientText } from './input-text.ts';
import type { CommandContext } from './types.ts';

export interface RejectionFields {
  entityType?: EntityType;
  entityId: number | string | null;
  /**
   * Claimed identity of an anonymous caller, such as a failed login's user
   * name. The event stores it verbatim only when it names an existing user
   * or is a user name someone tried to register.
   */
  username?: string;
  actor?: Actor | null;
}

/** Publishes `<entity_type>.<action>_failed` with the error's code, message and details. */
export async function publishRejection(
  ctx: CommandContext,
  error: AppError,
  fields: RejectionFields,
): Promise<EventEnvelope> {
  const entityType = fields.entityType ?? ctx.definition.entityType;
  const actor = fields.actor === undefined ? ctx.actor : fields.actor;
  // `details.entity_id` names the entity when the path did not; the other
  // details (such as product_id and available) go into the event's error.
  const { entity_id: detailEntityId, ...details } = error.details ?? {};
  const entityId = fields.entityId ?? (detailEntityId as number | string | undefined) ?? null;
  const eventError: { code: string; message: string; [key: string]: unknown } = {
    ...details,
    code: error.code,
    // Messages may repeat client input, such as an unknown field name.
    message: sanitizeClientText(error.message),
  };
  if (actor === null && fields.username) {
    eventError.username = await recordedIdentity(
      ctx.deps.db,
      fields.username,
      ctx.definition.action,
    );
  }

  const event = commandEvent(ctx, {
    id: ctx.eventIds.next('rejected'),
    type: `${entityType}.${ctx.definition.action}_failed`,
    entityType,
    entityId,
    actor,
    error: eventError,
  });
  const ack = await publishEvent(
    ctx.deps.js,
    rejectedSubject(ctx.deps.config.subjectPrefix, entityType),
    event,
  );
  ctx.log.info(
    {
      event_id: event.id,
      correlation_id: event.correlation_id,
      stream_seq: ack.seq,
      event_type: event.type,
      code: error.code,
    },
    'rejection recorded',
  );

  return event;
}

export interface ActivityFields {
  type: string;
  entityType: EntityType;
  entityId: number;
  actor: Actor | null;
  /**
   * The entity's current state, stored as both `before` and `after` so the
   * entity's trail stays chained through this event. Defaults to null.
   */
  state?: Record<string, unknown> | null;
}

/**
 * Publishes a successful event that changes no state, such as user.logged_in,
 * on the activity subject, which the state read model does not consume.
 */
export async function publishActivity(
  ctx: CommandContext,
  fields: ActivityFields,
): Promise<EventEnvelope> {
  const event = commandEvent(ctx, {
    id: ctx.eventIds.next('activity'),
    type: fields.type,
    entityType: fields.entityType,
    entityId: fields.entityId,
    actor: fields.actor,
    before: fields.state ?? null,
    after: fields.state ?? null,
  });
  const ack = await publishEvent(
    ctx.deps.js,
    activitySubject(ctx.deps.config.subjectPrefix, fields.entityType),
    event,
  );
  ctx.log.info(
    {
      event_id: event.id,
      correlation_id: event.correlation_id,
      stream_seq: ack.seq,
      event_type: event.type,
    },
    'activity recorded',
  );

  return event;
}
