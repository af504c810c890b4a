// Request fields that the HTTP layer passes to the command pipeline: bearer
// token, Idempotency-Key, correlation id, and body parse or schema errors.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeAjvErrors } from '../commands/validation.ts';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const bodyParseErrors = new WeakMap<FastifyRequest, string>();

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;

  return match ? match[1]! : null;
}

export function idempotencyKey(request: FastifyRequest): string | null {
  const value = request.headers['idempotency-key'];

  return typeof value === 'string' ? value : null;
}

/** Returns the caller's X-Correlation-Id when well formed, else the request id. */
export function correlationId(request: FastifyRequest): string {
  const value = request.headers['x-correlation-id'];

  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : request.id;
}

/** Describes the first problem with the request's input (unparsable JSON or a schema violation), or returns null. */
export function inputProblem(request: FastifyRequest): string | null {
  const parseError = bodyParseErrors.get(request);
  if (parseError) return `body is not valid JSON: ${parseError}`;

  const error = request.validationError as
    | (Error & {
        validation?: Parameters<typeof describeAjvErrors>[0];
        validationContext?: string;
      })
    | undefined;
  if (!error) return null;
  if (!error.validation?.length) return error.message;

  return describeAjvErrors(error.validation, error.validationContext ?? 'body');
}

/**
 * Replaces Fastify's JSON parser with one that records a parse error instead
 * of failing the request, so a malformed command still reaches the pipeline
 * and is audited as a 400. An empty body parses as no body.
 */
export function installLenientJsonParser(app: FastifyInstance): void {
  // Fastify's default JSON parser (with prototype-poisoning checks) is callback-based.
  const parse = app.getDefaultJsonParser('error', 'error') as (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, value?: unknown) => void,
  ) => void;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    parse(request, body as string, (error, value) => {
      if (error) bodyParseErrors.set(request, error.message);
      done(null, error ? undefined : value);
    });
  });
}
