// Builds the envelope of an event a command emits, filling in what the
// command context provides: actor, client address and correlation id.
import { createEvent, type Actor, type EntityType, type EventEnvelope } from '@stock-audit/events';
import type { CommandContext } from './types.ts';

export interface CommandEventFields {
  id: string;
  type: string;
  entityType: EntityType;
  entityId: number | string | null;
  /** Defaults to the command's action. */
  action?: string;
  /** Defaults to the authenticated caller. */
  actor?: Actor | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  error?: EventEnvelope['error'];
  causationId?: string | null;
}

export function commandEvent(ctx: CommandContext, fields: CommandEventFields): EventEnvelope {
  return createEvent({
    id: fields.id,
    type: fields.type,
    entity_type: fields.entityType,
    entity_id: fields.entityId === null ? null : String(fields.entityId),
    action: fields.action ?? ctx.definition.action,
    status: fields.error ? 'error' : 'success',
    error: fields.error ?? null,
    actor: fields.actor === undefined ? ctx.actor : fields.actor,
    client_ip: ctx.clientIp,
    before: fields.before ?? null,
    after: fields.after ?? null,
    correlation_id: ctx.correlationId,
    causation_id: fields.causationId ?? null,
  });
}

/** The envelope's record of a user acting: id as a string, name and role. */
export function actorOf(user: { id: number; username: string; role: string }): Actor {
  return { id: String(user.id), username: user.username, role: user.role };
}
