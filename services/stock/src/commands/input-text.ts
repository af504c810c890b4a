// Checks on the text of a command's input and on client text that an error
// reply or error event repeats. PostgreSQL text and jsonb cannot store
// U+0000, and the other C0 control characters have no place in names,
// amounts or identities, so any string or field name containing one is
// rejected before the schema runs. A JSON Web Token or password hash in a
// field that is not a password would make its event fail the stream's secret
// guard, so it is rejected too.
import { containsSecretValue, redactSecretText } from '@stock-audit/events';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const CONTROL_RULE = 'control characters (U+0000 to U+001F other than tab, newline and return)';

/**
 * Describes the first string or field name under `value` that contains a
 * control character, naming its path such as `body.name`, or returns null.
 */
export function findTextProblem(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return CONTROL_CHARACTER.test(value) ? `${path} must not contain ${CONTROL_RULE}` : null;
  }
  if (value === null || typeof value !== 'object') return null;

  for (const [key, child] of Object.entries(value)) {
    if (CONTROL_CHARACTER.test(key)) {
      return `${path} has a field name that contains ${CONTROL_RULE}`;
    }
    const problem = findTextProblem(child, `${path}.${key}`);
    if (problem) return problem;
  }

  return null;
}

/** Top-level body fields meant to carry a password or reset code, which may look like anything. */
const SECRET_FIELDS = new Set(['password', 'new_password', 'code']);

/**
 * Describes the first string of a command body, outside the password and
 * reset code fields, that contains a JSON Web Token or password hash, or
 * returns null.
 */
export function findSecretValueProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return findSecretIn(body, 'body');
  }
  for (const [key, value] of Object.entries(body)) {
    if (SECRET_FIELDS.has(key)) continue;
    const problem = findSecretIn(value, `body.${key}`);
    if (problem) return problem;
  }

  return null;
}

function findSecretIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return containsSecretValue(value)
      ? `${path} must not contain a JSON Web Token or password hash`
      : null;
  }
  if (value === null || typeof value !== 'object') return null;

  for (const [key, child] of Object.entries(value)) {
    const problem = findSecretIn(child, `${path}.${key}`);
    if (problem) return problem;
  }

  return null;
}

/**
 * Returns client text fit for an error reply or event: control characters
 * become `\uXXXX`, and JSON Web Tokens and password hashes become `[redacted]`.
 */
export function sanitizeClientText(text: string): string {
  return redactSecretText(escapeControlCharacters(text));
}

function escapeControlCharacters(text: string): string {
  return text.replace(
    CONTROL_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
