// NATS request/reply entry point: one queue-group subscription on
// `cmd.<prefix>.>`, so several instances share the requests. The request is
// JSON `{ body, params, query, token, idempotency_key, correlation_id }`
// (all optional); the reply is `{ ok: true, status, result }` or
// `{ ok: false, error: { statusCode, code, error, message } }`.
import { randomUUID } from 'node:crypto';
import type { Msg } from 'nats';
import { commandSubject } from '@stock-audit/jetstream';
import { errorBody } from '@stock-audit/service-kit';
import type { StockDeps } from '../deps.ts';
import { executeCommand } from '../commands/execute.ts';
import type { CommandReply } from '../commands/idempotency.ts';
import type { CommandDefinition } from '../commands/types.ts';

/** Queue group of the command responders. */
export const COMMAND_QUEUE = 'stock-commands';

const REQUEST_FIELDS = new Set([
  'body',
  'params',
  'query',
  'token',
  'idempotency_key',
  'correlation_id',
]);
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CommandResponder {
  /** Stops taking requests and waits for those in progress. */
  stop(): Promise<void>;
}

interface ParsedRequest {
  fields: Record<string, unknown>;
  problem: string | null;
}

export function startCommandResponder(
  deps: StockDeps,
  definitions: readonly CommandDefinition[],
): CommandResponder {
  const prefix = commandSubject(deps.config.subjectPrefix, '');
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const inFlight = new Set<Promise<void>>();

  const subscription = deps.nc.subscribe(`${prefix}>`, {
    queue: COMMAND_QUEUE,
    callback: (error, message) => {
      if (error) {
        deps.log.error({ err: error }, 'command subscription failed');
        return;
      }
      const handled = handle(message).catch((handleError) =>
        deps.log.error({ err: handleError, subject: message.subject }, 'command request failed'),
      );
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    },
  });

  async function handle(message: Msg): Promise<void> {
    const name = message.subject.slice(prefix.length);
    const definition = byName.get(name);
    if (!definition) {
      respond(message, {
        statusCode: 404,
        body: errorBody(404, 'COMMAND_NOT_FOUND', `No command is served on ${message.subject}`),
      });
      return;
    }

    const { fields, problem } = parseRequest(message.data);
    const correlation =
      typeof fields.correlation_id === 'string' && CORRELATION_ID.test(fields.correlation_id)
        ? fields.correlation_id
        : randomUUID();
    const reply = await executeCommand(deps, definition, {
      body: fields.body,
      params: stringValues(fields.params),
      query: stringValues(fields.query),
      token: typeof fields.token === 'string' ? fields.token : null,
      idempotencyKey: typeof fields.idempotency_key === 'string' ? fields.idempotency_key : null,
      // No proxy vouches for a NATS client's address.
      clientIp: null,
      correlationId: correlation,
      ...(problem === null ? {} : { requestProblem: problem }),
      log: deps.log.child({ subject: message.subject }),
    });
    respond(message, reply);
  }

  return {
    async stop() {
      await subscription.drain();
      await Promise.allSettled([...inFlight]);
    },
  };
}

function parseRequest(data: Uint8Array): ParsedRequest {
  if (data.length === 0) return { fields: {}, problem: null };

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data));
  } catch (error) {
    return { fields: {}, problem: `request is not valid JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { fields: {}, problem: 'request must be a JSON object' };
  }
  const fields = parsed as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !REQUEST_FIELDS.has(key));
  if (unknown !== undefined) return { fields, problem: `request.${unknown} is not allowed` };

  for (const key of ['token', 'idempotency_key', 'correlation_id'] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') {
      return { fields, problem: `request.${key} must be a string` };
    }
  }

  return { fields, problem: null };
}

/** Path ids and query values arrive as strings over HTTP; numbers are accepted here too. */
function stringValues(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') return {};

  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      typeof item === 'number' ? String(item) : item,
    ]),
  );
}

function respond(message: Msg, reply: CommandReply): void {
  if (!message.reply) return;
  const payload =
    reply.statusCode < 400
      ? { ok: true, status: reply.statusCode, result: reply.body }
      : { ok: false, error: reply.body };
  message.respond(JSON.stringify(payload));
}
