// Input validation shared by both entry points: the same ajv options for
// Fastify's route schemas and for NATS requests, and one wording of the first
// problem found, naming the field.
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { NOT_BLANK } from './schemas.ts';

/**
 * Unknown fields are rejected rather than removed, and nothing is coerced, so
 * `"quantity": "5"` is an error. Stops at the first error, as Fastify does.
 */
export const AJV_OPTIONS = {
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: true,
  allErrors: false,
  allowUnionTypes: true,
} as const;

const ajv = new Ajv({ ...AJV_OPTIONS, strict: false });
addFormats.default(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * Describes the first of ajv's errors as `<where>.<field> <problem>`. A value
 * outside a union of constants (TypeBox literals), which ajv reports once
 * per branch, becomes one message listing the accepted values.
 */
export function describeAjvErrors(errors: readonly ErrorObject[], where: string): string {
  const first = errors[0];
  if (!first) return `${where} is invalid`;
  if (first.keyword !== 'const') return describeAjvError(first, where);

  const allowed = errors
    .filter((error) => error.keyword === 'const' && error.instancePath === first.instancePath)
    .map((error) => JSON.stringify((error.params as { allowedValue: unknown }).allowedValue));

  return `${fieldPath(first, where)} must be one of ${allowed.join(', ')}`;
}

function fieldPath(error: ErrorObject, where: string): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');

  return field ? `${where}.${field}` : where;
}

/** Describes an ajv error as `<where>.<field> <problem>`, e.g. `body.price is required`. */
export function describeAjvError(error: ErrorObject, where: string): string {
  const path = fieldPath(error, where);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return `${path}.${String(params.additionalProperty)} is not allowed`;
  }
  if (error.keyword === 'required') return `${path}.${String(params.missingProperty)} is required`;
  if (error.keyword === 'minProperties') return `${path} must contain at least one field`;
  if (error.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value));

    return `${path} must be one of ${allowed.join(', ')}`;
  }
  if (error.keyword === 'pattern' && params.pattern === NOT_BLANK) {
    return `${path} must not be blank`;
  }

  return `${path} ${error.message ?? 'is invalid'}`;
}

/** Returns a description of the first problem of `value` against `schema`, or null when valid. */
export function validateAgainst(schema: TSchema, value: unknown, where: string): string | null {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return null;

  return describeAjvErrors(validate.errors ?? [], where);
}
