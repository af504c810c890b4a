import { REDACTED, REDACTED_CHANGED } from './envelope.ts';

// Keys are compared with case and separators removed, so `passwordHash`,
// `PASSWORD_HASH` and `reset-code` all match.
const SECRET_KEY_PARTS = ['password', 'resetcode', 'token', 'secret'];
// Values that are secrets whatever their key, anywhere inside a string:
// bcrypt, argon2 and scrypt hashes, and JSON Web Tokens.
const SECRET_VALUE_PATTERNS = [
  /\$(2[aby]|argon2(id|i|d)?|scrypt)\$[^\s"']*/g,
  /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/** True when `text` contains a password hash or a JSON Web Token. */
export function containsSecretValue(text: string): boolean {
  return SECRET_VALUE_PATTERNS.some((pattern) => new RegExp(pattern.source).test(text));
}

/**
 * Returns `text` with every password hash and JSON Web Token in it replaced
 * by `[redacted]`, for messages that echo client input into an event.
 */
export function redactSecretText(text: string): string {
  return SECRET_VALUE_PATTERNS.reduce((result, pattern) => result.replace(pattern, REDACTED), text);
}

/** One secret found in an event: the dotted path and why it counts as a secret. */
export interface SecretFinding {
  path: string;
  reason: 'secret key' | 'secret value';
}

function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');

  return SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

function isRedacted(value: unknown): boolean {
  return value === REDACTED_CHANGED || value === REDACTED || value === null;
}

/**
 * Lists every secret in `value`, at any depth: a key that names a secret
 * (password, reset code, token, secret) whose value is not a redaction
 * marker or null, and any string that looks like a password hash or a JWT.
 */
export function findSecrets(value: unknown, path = ''): SecretFinding[] {
  if (typeof value === 'string') {
    return containsSecretValue(value) ? [{ path, reason: 'secret value' }] : [];
  }
  if (value === null || typeof value !== 'object') return [];

  const findings: SecretFinding[] = [];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && isSecretKey(key) && !isRedacted(child)) {
      findings.push({ path: childPath, reason: 'secret key' });
    } else {
      findings.push(...findSecrets(child, childPath));
    }
  }

  return findings;
}

/**
 * Returns a deep copy of `value` in which every secret-named key contains
 * `marker` instead of its value.
 */
export function redactSecrets<T>(value: T, marker: string = REDACTED): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, marker)) as T;

  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && !isRedacted(child) ? marker : redactSecrets(child, marker);
  }

  return copy as T;
}
