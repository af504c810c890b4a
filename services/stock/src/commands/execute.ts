// The one path every command and query takes, from HTTP or NATS alike. It
// authenticates, authorizes by role before any state is read, honours an
// Idempotency-Key, validates and runs the handler. Then it turns any AppError
// into an error event (commands only) and an error reply, and counts the outcome.
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, badRequest, errorBody, requireRole } from '@stock-audit/service-kit';
import type { StockDeps } from '../deps.ts';
import { authenticateCaller } from './authenticate.ts';
import { eventIdSource } from './event-ids.ts';
import { actorOf } from './events.ts';
import { claimIdempotencyKey, type CommandReply, type IdempotencyClaim } from './idempotency.ts';
import { findSecretValueProblem, findTextProblem, sanitizeClientText } from './input-text.ts';
import { publishRejection } from './publish.ts';
import type { CommandContext, CommandDefinition } from './types.ts';
import { validateAgainst } from './validation.ts';

export interface CommandRequest {
  body: unknown;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Bearer token, without the "Bearer " prefix. */
  token: string | null;
  idempotencyKey: string | null;
  clientIp: string | null;
  correlationId: string;
  /** Present when the entry point validated the input itself: its first problem, or null. */
  validation?: { problem: string | null };
  /**
   * A problem with the request itself, such as a NATS message that is not
   * JSON. It gets 400 before authentication, because the token may be unreadable.
   */
  requestProblem?: string;
  log: FastifyBaseLogger;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
const ENTITY_ID = /^[1-9][0-9]{0,14}$/;

type Claimed = Extract<IdempotencyClaim, { kind: 'claimed' }>;

export async function executeCommand(
  deps: StockDeps,
  definition: CommandDefinition,
  request: CommandRequest,
): Promise<CommandReply> {
  const started = performance.now();
  const ctx: CommandContext = {
    deps,
    definition,
    actor: null,
    user: null,
    clientIp: request.clientIp,
    correlationId: request.correlationId,
    eventIds: eventIdSource(null),
    log: request.log,
  };
  const state: { claim: Claimed | null } = { claim: null };

  let reply: CommandReply;
  try {
    reply = await run(ctx, request, state);
  } catch (error) {
    reply = await replyToFailure(ctx, request, error);
  }
  if (state.claim) await settleClaim(ctx, state.claim, reply);

  const labels = { action: definition.name, status: String(reply.statusCode) };
  deps.metrics.commands.inc(labels);
  deps.metrics.duration.observe(labels, (performance.now() - started) / 1000);

  return reply;
}

async function run(
  ctx: CommandContext,
  request: CommandRequest,
  state: { claim: Claimed | null },
): Promise<CommandReply> {
  const { definition, deps } = ctx;
  if (request.requestProblem) throw badRequest(request.requestProblem);
  if (definition.access !== 'anonymous') {
    const caller = await authenticateCaller(deps, request.token);
    ctx.user = caller.user;
    ctx.actor = caller.user ? actorOf(caller.user) : null;
    if (caller.error) throw caller.error;
    requireRole(
      { sub: String(caller.user!.id), username: caller.user!.username, role: caller.user!.role },
      definition.access,
      `${definition.action} ${definition.entityType}s`,
    );
  }

  if (request.idempotencyKey !== null && definition.kind === 'command' && definition.idempotent) {
    if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
      throw badRequest('Idempotency-Key must be 1 to 200 letters, digits, ".", "_", ":" or "-"');
    }
    const claim = await claimIdempotencyKey(deps.db, {
      scope: `${definition.name}:${ctx.actor?.id ?? 'anonymous'}`,
      key: request.idempotencyKey,
      input: { body: request.body, params: request.params },
      windowMs: deps.options.idempotencyWindowMs,
    });
    if (claim.kind === 'replay') return claim.reply;
    state.claim = claim;
    ctx.eventIds = eventIdSource(claim.seed);
  }

  const problem =
    findInputTextProblem(request) ??
    (request.validation ? request.validation.problem : validateInput(definition, request));
  if (problem) throw badRequest(problem);

  const outcome = await definition.handle(ctx, {
    body: request.body,
    params: request.params,
    query: request.query,
  });

  return { statusCode: outcome.status ?? definition.successStatus, body: outcome.result };
}

function findInputTextProblem(request: CommandRequest): string | null {
  return (
    findTextProblem(request.body, 'body') ??
    findTextProblem(request.params, 'params') ??
    findTextProblem(request.query, 'querystring') ??
    findSecretValueProblem(request.body)
  );
}

function validateInput(definition: CommandDefinition, request: CommandRequest): string | null {
  const parts = [
    [definition.params, request.params, 'params'],
    [definition.body, request.body, 'body'],
    [definition.querystring, request.query, 'querystring'],
  ] as const;
  for (const [schema, value, where] of parts) {
    if (!schema) continue;
    const problem = validateAgainst(schema, value, where);
    if (problem) return problem;
  }

  return null;
}

async function replyToFailure(
  ctx: CommandContext,
  request: CommandRequest,
  error: unknown,
): Promise<CommandReply> {
  if (!(error instanceof AppError)) {
    ctx.log.error(
      { err: error, command: ctx.definition.name, correlation_id: ctx.correlationId },
      'command failed',
    );

    return { statusCode: 500, body: errorBody(500, 'INTERNAL_ERROR', 'Internal server error') };
  }

  if (ctx.definition.kind === 'command') {
    try {
      await publishRejection(ctx, error, {
        entityId: entityIdOf(request.params),
        username: claimedIdentity(request.body),
      });
    } catch (publishError) {
      ctx.log.error(
        { err: publishError, command: ctx.definition.name, correlation_id: ctx.correlationId },
        'rejection could not be recorded',
      );
    }
  }

  return {
    statusCode: error.statusCode,
    body: errorBody(error.statusCode, error.code, sanitizeClientText(error.message)),
  };
}

async function settleClaim(ctx: CommandContext, claim: Claimed, reply: CommandReply) {
  try {
    if (reply.statusCode >= 500) await claim.release();
    else await claim.finish(reply);
  } catch (error) {
    ctx.log.error(
      { err: error, correlation_id: ctx.correlationId },
      'idempotency record could not be updated',
    );
  }
}

/** Returns the entity id in the path (`:id` or `:userId`) when it is a valid id. */
function entityIdOf(params: Record<string, unknown>): string | null {
  const value = String(params.id ?? params.userId ?? '');

  return ENTITY_ID.test(value) ? value : null;
}

/** Returns the user name or email an anonymous caller claimed, for its error event. */
function claimedIdentity(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { username, email } = body as Record<string, unknown>;
  if (typeof username === 'string') return username.slice(0, 256);
  if (typeof email === 'string') return email.slice(0, 256);

  return undefined;
}
