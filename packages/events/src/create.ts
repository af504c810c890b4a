import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from './envelope.ts';

/** Fields a caller must give; the rest get defaults in `createEvent`. */
export type EventInput = Pick<EventEnvelope, 'type' | 'entity_type' | 'action'> &
  Partial<Omit<EventEnvelope, 'type' | 'entity_type' | 'action'>>;

/** Builds an envelope with a fresh id, the current UTC time and null for unset fields. */
export function createEvent(input: EventInput): EventEnvelope {
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    schema_version: input.schema_version ?? 1,
    entity_type: input.entity_type,
    entity_id: input.entity_id ?? null,
    action: input.action,
    status: input.status ?? 'success',
    error: input.error ?? null,
    actor: input.actor ?? null,
    client_ip: input.client_ip ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    occurred_at: input.occurred_at ?? new Date().toISOString(),
    correlation_id: input.correlation_id ?? null,
    causation_id: input.causation_id ?? null,
  };
}
