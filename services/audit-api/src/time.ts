// Parsing of the `from` and `to` query parameters: ISO 8601 dates and
// date-times with or without an offset, into exact microsecond bounds.

/** Microseconds since 1970-01-01T00:00:00Z. */
export type EpochMicros = bigint;

/** A parsed date or date-time: where it starts and how long its last unit lasts. */
export interface TimePoint {
  start: EpochMicros;
  /** Length of the least significant unit given: a day, minute, second or fraction. */
  unit: EpochMicros;
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_MINUTE = 60n * MICROS_PER_SECOND;
const MICROS_PER_DAY = 24n * 60n * MICROS_PER_MINUTE;

/**
 * Parses `2024-05-01`, `2024-05-01T10:00`, `2024-05-01T10:00:00.5+02:00`
 * and the like. A date-time without an offset is UTC. Returns null when
 * the text is not a valid ISO 8601 date or date-time.
 */
export function parseTimePoint(text: string): TimePoint | null {
  const match = ISO_8601.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour ?? 0);
  const mi = Number(minute ?? 0);
  const s = Number(second ?? 0);
  if (h > 23 || mi > 59 || s > 59) return null;

  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  date.setUTCHours(h, mi, s, 0);
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === null) return null;

  const digits = (fraction ?? '').slice(0, 6);
  const micros = BigInt(digits.padEnd(6, '0'));
  const start = BigInt(date.getTime()) * 1000n + micros - BigInt(offsetMinutes) * MICROS_PER_MINUTE;

  return { start, unit: unitOf(hour, second, digits) };
}

function parseOffset(offset: string | undefined): number | null {
  if (offset === undefined || offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return null;

  return sign * (hours * 60 + minutes);
}

function unitOf(hour: string | undefined, second: string | undefined, fraction: string) {
  if (hour === undefined) return MICROS_PER_DAY;
  if (second === undefined) return MICROS_PER_MINUTE;
  if (fraction === '') return MICROS_PER_SECOND;

  return 10n ** BigInt(6 - fraction.length);
}

/** Formats microseconds since the epoch as an RFC 3339 UTC timestamp with microseconds. */
export function formatMicros(micros: EpochMicros): string {
  const floorMs = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const restMicros = micros - floorMs * 1000n;
  const iso = new Date(Number(floorMs)).toISOString();

  return `${iso.slice(0, -1)}${restMicros.toString().padStart(3, '0')}Z`;
}
