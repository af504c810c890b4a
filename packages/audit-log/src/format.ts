// Formatting of one value in an audit description: money with two decimals, a
// missing value as an em dash, everything else as plain text.
import { REDACTED_CHANGED } from '@stock-audit/events';

/** Shown for a field that is absent or null. */
export const MISSING = '—';

/** Maximum length of a text value in a description; longer ones end in "…". */
export const MAX_VALUE_LENGTH = 200;

/** Keys whose values are amounts of money, at any depth. */
export const MONEY_KEYS: ReadonlySet<string> = new Set(['price', 'unit_price', 'total_price']);

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Rounds a decimal string half away from zero to two decimals without going
 * through binary floating point, so "1.005" becomes "1.01".
 */
export function formatMoney(value: string | number): string | null {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL.exec(text ?? '');
  if (!match) return null;

  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(whole + (fraction + '00').slice(0, 2));
  const roundUp = (fraction[2] ?? '0') >= '5';
  const rounded = cents + (roundUp ? 1n : 0n);
  const digits = rounded.toString().padStart(3, '0');
  const result = `${digits.slice(0, -2)}.${digits.slice(-2)}`;

  return sign && rounded !== 0n ? `-${result}` : result;
}

function numberToPlainString(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const text = String(value);

  // Exponent notation (1e21, 1e-7) is left to the plain number format.
  return /e/i.test(text) ? null : text;
}

/**
 * Returns at most `maxLength` UTF-16 code units of `text`, one fewer when the
 * cut would split a surrogate pair, so an emoji is never halved into a lone
 * surrogate (which the database would store as U+FFFD).
 */
export function sliceText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const last = text.charCodeAt(maxLength - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;

  return text.slice(0, splitsPair ? maxLength - 1 : maxLength);
}

/** Formats a leaf value found under `key` (the last segment of its path). */
export function formatValue(key: string, value: unknown): string {
  if (value === undefined || value === null) return MISSING;
  if (MONEY_KEYS.has(key) && (typeof value === 'string' || typeof value === 'number')) {
    const money = formatMoney(value);
    if (money !== null) return money;
  }
  if (typeof value === 'string') {
    if (value === '') return '""';

    return value.length > MAX_VALUE_LENGTH ? `${sliceText(value, MAX_VALUE_LENGTH)}…` : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '[]';

  return '{}';
}

/** True for the marker that replaces a changed secret such as a password. */
export function isChangedSecret(value: unknown): boolean {
  return value === REDACTED_CHANGED;
}
