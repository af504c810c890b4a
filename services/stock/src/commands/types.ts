// The shape of a command or query definition and of the context its handler
// runs in. The HTTP routes and the NATS responder are both generated from the
// same definitions and run the same handlers.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, EntityType } from '@stock-audit/events';
import type { Role } from '@stock-audit/service-kit';
import type { StockDeps } from '../deps.ts';
import type { UserState } from '../domain/user.ts';
import type { EventIdSource } from './event-ids.ts';

/** Callers allowed: anyone without a token, or authenticated users of the listed roles. */
export type Access = 'anonymous' | readonly Role[];

export interface CommandInput<Body = unknown, Params = Record<string, string>, Query = unknown> {
  body: Body;
  params: Params;
  query: Query;
}

/** A handler's successful outcome: the reply body and, when not the default, its status. */
export interface CommandResult {
  status?: number;
  result: unknown;
}

export interface CommandContext {
  deps: StockDeps;
  definition: CommandDefinition;
  /** The authenticated caller as the envelope records it; null when anonymous. */
  actor: Actor | null;
  /** The authenticated caller's current state in the read model. */
  user: UserState | null;
  clientIp: string | null;
  correlationId: string;
  eventIds: EventIdSource;
  log: FastifyBaseLogger;
}

/**
 * One command (audited: every outcome is an event) or query (a read of the
 * state read model; no event). `name` is `<entity>.<verb>` and also the
 * suffix of its NATS subject.
 */
// Each handler declares the input type of its own schemas; `any` lets those
// handlers share one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CommandDefinition<Body = any, Params = any, Query = any> {
  name: string;
  kind: 'command' | 'query';
  entityType: EntityType;
  /** The audited action, such as create or login; the verb of a query. */
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  successStatus: number;
  summary: string;
  access: Access;
  body?: TSchema;
  params?: TSchema;
  querystring?: TSchema;
  /** True when an Idempotency-Key is honoured. False where the reply contains a secret. */
  idempotent: boolean;
  handle(ctx: CommandContext, input: CommandInput<Body, Params, Query>): Promise<CommandResult>;
}
