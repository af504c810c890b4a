import { Type, type Static } from '@sinclair/typebox';

/** Value that replaces a secret in `before`, `after` and `error`. */
export const REDACTED_CHANGED = '[changed]';
/** Value that replaces a secret whose change is not being reported. */
export const REDACTED = '[redacted]';

export const ENTITY_TYPES = ['user', 'product', 'sale', 'application'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const ActorSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    username: Type.String({ minLength: 1, maxLength: 256 }),
    role: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const EventErrorSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128 }),
    message: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: true },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/**
 * The event envelope: one JSON object per domain event on the stream. Other
 * services may publish events of this shape and get audited the same way.
 */
export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'event id, also the Nats-Msg-Id header' }),
    type: Type.String({
      pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$',
      maxLength: 128,
      description: 'entity type and past-tense verb, e.g. product.updated',
    }),
    schema_version: Type.Integer({
      minimum: 1,
      description: "version of this event type's payload",
    }),
    entity_type: Type.String({
      pattern: '^[a-z][a-z0-9_]*$',
      maxLength: 64,
      description: 'user, product, sale, application, or a type of another service',
    }),
    entity_id: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
    action: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 }),
    status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
    error: Nullable(EventErrorSchema),
    actor: Nullable(ActorSchema),
    client_ip: Nullable(Type.String({ maxLength: 64 })),
    before: Nullable(Type.Record(Type.String(), Type.Unknown())),
    after: Nullable(Type.Record(Type.String(), Type.Unknown())),
    occurred_at: Type.String({
      format: 'date-time',
      pattern: 'Z$',
      description: 'RFC 3339 UTC timestamp of the decision',
    }),
    correlation_id: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
    causation_id: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
  },
  {
    $id: 'https://stock-audit.local/schemas/event-envelope.json',
    title: 'EventEnvelope',
    additionalProperties: false,
  },
);

export type EventEnvelope = Static<typeof EventEnvelopeSchema>;
export type Actor = Static<typeof ActorSchema>;
export type EventError = Static<typeof EventErrorSchema>;
