import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { EventEnvelopeSchema, type EventEnvelope } from './envelope.ts';
import { findSecrets } from './secrets.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSchema = ajv.compile<EventEnvelope>(EventEnvelopeSchema);

/** Raised when an event does not match the envelope or carries a secret. */
export class InvalidEventError extends Error {
  readonly code = 'EVENT_INVALID';

  constructor(readonly problems: string[]) {
    super(`Invalid event: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

function describeError(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required')
    return `${field ? `${field}.` : ''}${error.params.missingProperty} is missing`;
  if (error.keyword === 'additionalProperties') {
    return `${field ? `${field}.` : ''}${error.params.additionalProperty} is not an envelope field`;
  }

  return `${field || 'event'} ${error.message}`;
}

/**
 * Lists what is wrong with `value` as an event: schema violations first,
 * then secrets in `before`, `after` or `error`. An empty list means valid.
 */
export function checkEvent(value: unknown): string[] {
  if (!validateSchema(value)) {
    // A union reports once per branch; the first message per field is enough.
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const error of validateSchema.errors ?? []) {
      if (seen.has(error.instancePath) && error.keyword !== 'required') continue;
      seen.add(error.instancePath);
      problems.push(describeError(error));
    }

    return problems;
  }

  const event = value as EventEnvelope;
  const problems: string[] = findUnstorableStrings(event, '').map(
    ({ path, reason }) =>
      `${path || 'event'} contains ${reason}, which PostgreSQL text and jsonb cannot store`,
  );
  for (const field of ['before', 'after', 'error'] as const) {
    for (const finding of findSecrets(event[field], field)) {
      problems.push(
        `${finding.path} holds a ${finding.reason === 'secret key' ? 'secret' : 'secret-looking value'}`,
      );
    }
  }
  if (event.status === 'error' && event.error === null)
    problems.push('error is required when status is "error"');
  if (event.status === 'success' && event.error !== null)
    problems.push('error must be null when status is "success"');

  return problems;
}

// Reasons a string cannot be stored in PostgreSQL text or jsonb.
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character';
  if (!text.isWellFormed()) return 'a lone UTF-16 surrogate';

  return null;
}

// Lists the strings (values or keys) that PostgreSQL cannot store, by path.
function findUnstorableStrings(value: unknown, path: string): { path: string; reason: string }[] {
  if (typeof value === 'string') {
    const reason = unstorable(value);

    return reason ? [{ path, reason }] : [];
  }
  if (value === null || typeof value !== 'object') return [];

  const found: { path: string; reason: string }[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key.toWellFormed()}` : key.toWellFormed();
    const keyReason = unstorable(key);
    if (keyReason) found.push({ path: childPath, reason: keyReason });
    found.push(...findUnstorableStrings(child, childPath));
  }

  return found;
}

/** Returns `value` typed as an event, or throws InvalidEventError naming each problem. */
export function assertEvent(value: unknown): EventEnvelope {
  const problems = checkEvent(value);
  if (problems.length > 0) throw new InvalidEventError(problems);

  return value as EventEnvelope;
}

/** Parses and validates one event from the bytes of a stream message. */
export function decodeEvent(data: Uint8Array): EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data));
  } catch (error) {
    throw new InvalidEventError([`payload is not JSON: ${(error as Error).message}`]);
  }

  return assertEvent(parsed);
}

/** Serializes an event after validating it. */
export function encodeEvent(event: EventEnvelope): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(assertEvent(event)));
}
