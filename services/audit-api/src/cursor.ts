// The opaque keyset cursor: the (timestamp, id) of the last record of a
// page and the order it was read in, encoded as base64url JSON.
import type { EpochMicros } from './time.ts';

export type SortOrder = 'desc' | 'asc';

export interface Cursor {
  timestamp: EpochMicros;
  id: number;
  order: SortOrder;
}

export function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify({ t: cursor.timestamp.toString(), i: cursor.id, o: cursor.order });

  return Buffer.from(json).toString('base64url');
}

/** Returns the cursor, or null when `text` is not one this API issued. */
export function decodeCursor(text: string): Cursor | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const { t, i, o } = value as Record<string, unknown>;
  const validTime = typeof t === 'string' && /^-?\d{1,18}$/.test(t);
  const validId = typeof i === 'number' && Number.isSafeInteger(i) && i > 0;
  if (!validTime || !validId || (o !== 'desc' && o !== 'asc')) return null;

  return { timestamp: BigInt(t), id: i, order: o };
}
