// Turns a schema validation failure into a 400 that names the parameter,
// the values it accepts and the value received.
import type { FastifySchemaValidationError } from 'fastify';
import { ENTITY_TYPES } from '@stock-audit/events';
import { badRequest, type AppError } from '@stock-audit/service-kit';
import { MAX_LIMIT, MAX_OFFSET } from './limits.ts';

const TIME = 'an ISO 8601 date or date-time such as 2024-05-01 or 2024-05-01T10:00:00+02:00';

/** Accepted values of each parameter, worded to end "NAME must be ...". */
export const PARAMETER_RULES: Record<string, string> = {
  action: 'an action name of letters, digits and "_", such as update',
  from: TIME,
  to: TIME,
  entity_type: `one of ${ENTITY_TYPES.join(', ')}`,
  entityType: `one of ${ENTITY_TYPES.join(', ')}`,
  status: 'success or error',
  limit: `an integer from 1 to ${MAX_LIMIT}`,
  offset: `an integer from 0 to ${MAX_OFFSET}; use cursor for deeper pages`,
  cursor: 'the next_cursor of an earlier response, unchanged',
  user_id: 'a user id, a positive integer',
  userId: 'a user id, a positive integer',
  entityId: '1 to 128 letters, digits, ".", "_", ":" or "-"',
};

/** Returns the 400 for the first validation error of `input` (query or params). */
export function invalidParameter(
  errors: FastifySchemaValidationError[],
  input: Record<string, unknown>,
  allowed: string[],
): AppError {
  const first = errors[0];
  const params = (first?.params ?? {}) as Record<string, unknown>;
  if (first?.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);

    return badRequest(
      `${name} is not a parameter of this endpoint; use ${allowed.join(', ')}`,
      'INVALID_PARAMETER',
    );
  }
  const name = first?.instancePath.replace(/^\//, '').split('/')[0] ?? '';

  return parameterError(name, input[name]);
}

/** "NAME must be RULE (got "VALUE")". */
export function parameterError(name: string, value: unknown): AppError {
  const rule = PARAMETER_RULES[name] ?? 'valid';
  const got = Array.isArray(value) ? 'several values' : `"${String(value ?? '').slice(0, 100)}"`;

  return badRequest(`${name} must be ${rule} (got ${got})`, 'INVALID_PARAMETER');
}
