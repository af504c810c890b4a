// Checks on the text of a command's input and on client text that an error
// reply or error event repeats. PostgreSQL text and jsonb cannot store
// U+0000 or a lone UTF-16 surrogate, such as a JSON `\ud800` escape without
// its pair. The other C0 and C1 control characters and DEL have no place in
// names, amounts or identities. So any string or field name containing one of
// these is rejected before the schema runs. A JSON Web Token or password hash in a
// field that is not a password would make its event fail the stream's secret
// guard, so it is rejected too.
import { containsSecretValue, redactSecretText } from '@stock-audit/events';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_RULE =
  'control characters (U+0000 to U+001F other than tab, newline and return, and U+007F to U+009F)';
const SURROGATE_RULE = 'lone UTF-16 surrogates (U+D800 to U+DFFF without their pair)';

/** Control characters and lone surrogates, which `escapeInvalidText` writes as `\uXXXX`. */
const INVALID_CHARACTERS = new RegExp(
  [
    CONTROL_CHARACTER.source,
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])',
    '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  ].join('|'),
  'g',
);

/** Names the rule that `text` breaks, or returns null when it contains no invalid character. */
function describeInvalidText(text: string): string | null {
  if (CONTROL_CHARACTER.test(text)) return CONTROL_RULE;
  if (!text.isWellFormed()) return SURROGATE_RULE;

  return null;
}

/**
 * Describes the first string or field name under `value` that contains a
 * control character or lone surrogate, naming its path such as `body.name`,
 * or returns null. A field name at fault is repeated in escaped form.
 */
export function findTextProblem(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    const rule = describeInvalidText(value);

    return rule ? `${path} must not contain ${rule}` : null;
  }
  if (value === null || typeof value !== 'object') return null;

  for (const [key, child] of Object.entries(value)) {
    const keyRule = describeInvalidText(key);
    if (keyRule) {
      return `${path} has a field name that contains ${keyRule}: "${escapeInvalidText(key)}"`;
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
 * and lone surrogates become `\uXXXX`, and JSON Web Tokens and password
 * hashes become `[redacted]`.
 */
export function sanitizeClientText(text: string): string {
  return redactSecretText(escapeInvalidText(text));
}

function escapeInvalidText(text: string): string {
  return text.replace(
    INVALID_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
