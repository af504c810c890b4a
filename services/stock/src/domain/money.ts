// Exact money: prices arrive as decimal strings or numbers with at most two
// decimals, are computed on as integer cents and leave as "12.50".

/** Largest accepted price in cents, so totals stay exact as JavaScript numbers. */
export const MAX_PRICE_CENTS = 99_999_999_999;

const DECIMAL = /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$/;

/**
 * Converts a price given as a string such as "12.5" or a number such as 12.5
 * into integer cents, or returns null when it is negative, has more than two
 * decimals or exceeds MAX_PRICE_CENTS.
 */
export function toCents(value: string | number): number | null {
  const text = typeof value === 'number' ? numberToDecimal(value) : value.trim();
  if (text === null || !DECIMAL.test(text)) return null;

  const [whole = '0', fraction = ''] = text.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));

  return cents <= MAX_PRICE_CENTS ? cents : null;
}

function numberToDecimal(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return null;

  // String(12.34) is "12.34"; a float with more decimals, such as 0.1 + 0.2,
  // prints them all and fails the pattern.
  return String(value);
}

/** Formats integer cents as a decimal string with two decimals. */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');

  return `${whole}.${fraction}`;
}
