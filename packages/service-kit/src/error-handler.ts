import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

/** The one JSON error shape of every HTTP endpoint. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

export function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function describeValidation(error: FastifyError): string {
  const errors = error.validation ?? [];
  const first = errors[0];
  if (!first) return error.message;
  const where = error.validationContext ?? 'body';
  const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const target = `${where}${field ? `.${field}` : ''}`;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties')
    return `${where}.${params.additionalProperty} is not allowed`;
  if (first.keyword === 'required') return `${target}.${params.missingProperty} is required`;

  // A union of literals fails once per literal; list them all.
  const allowed = errors
    .filter((entry) => entry.instancePath === first.instancePath)
    .flatMap((entry) => {
      const entryParams = entry.params as { allowedValue?: unknown; allowedValues?: unknown[] };
      if (entry.keyword === 'const') return [entryParams.allowedValue];
      if (entry.keyword === 'enum') return entryParams.allowedValues ?? [];

      return [];
    });
  if (allowed.length > 0)
    return `${target} must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;

  return `${target} ${first.message}`;
}

/**
 * Installs the error and not-found handlers: AppError and schema errors keep
 * their status and message, 5xx messages are hidden, 5xx are logged at
 * error and 4xx at info.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let body: ErrorBody;
    if (error instanceof AppError) {
      body = errorBody(error.statusCode, error.code, error.message);
    } else if ((error as FastifyError).validation) {
      body = errorBody(400, 'VALIDATION_FAILED', describeValidation(error as FastifyError));
    } else if (error.statusCode && error.statusCode < 500) {
      body = errorBody(error.statusCode, error.code ?? 'BAD_REQUEST', error.message);
    } else {
      body = errorBody(500, 'INTERNAL_ERROR', 'Internal server error');
    }

    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, message: body.message }, 'request rejected');

    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody(404, 'ROUTE_NOT_FOUND', `Route ${request.method} ${request.url} not found`)),
  );
}
