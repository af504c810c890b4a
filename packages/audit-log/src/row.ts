// The mapping from one stream event to its audit_log row. Pure, so a
// replay produces the same rows as the live projector.
import type { EventEnvelope } from '@stock-audit/events';
import { describeEvent } from './describe.ts';
import { claimedUsername } from './identity.ts';
import type { NewAuditRow } from './schema.ts';

/**
 * Maps `event`, stored at stream `sequence` on `subject`, to its audit row.
 * The user is the actor, or for an anonymous failure the username the
 * caller claimed (`error.username`). Throws DescriptionError when the
 * description cannot be built.
 */
export function toAuditRow(event: EventEnvelope, sequence: number, subject: string): NewAuditRow {
  return {
    id: sequence,
    event_id: event.id,
    event_type: event.type,
    schema_version: event.schema_version,
    user_id: event.actor?.id ?? null,
    username: event.actor?.username ?? claimedUsername(event),
    user_role: event.actor?.role ?? null,
    action: event.action,
    entity_type: event.entity_type,
    entity_id: event.entity_id,
    description: describeEvent(event),
    timestamp: event.occurred_at,
    status: event.status,
    error: toJson(event.error),
    old_value: toJson(event.before),
    new_value: toJson(event.after),
    ip_address: event.client_ip,
    subject,
    correlation_id: event.correlation_id,
    causation_id: event.causation_id,
  };
}

function toJson(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}
