// Event ids: random by default, derived from a seed when a command carries
// an Idempotency-Key, so a retry produces the same ids and the stream's
// duplicate window stores each event once.
import { createHash, randomUUID } from 'node:crypto';

/** Derives a UUID (version 5 layout) from `seed` and `name`; the same inputs give the same id. */
export function deriveUuid(seed: string, name: string): string {
  const bytes = createHash('sha256').update(seed).update('\n').update(name).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');

  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Hands out the event ids of one command: `name` distinguishes the events of one command. */
export interface EventIdSource {
  next(name: string): string;
}

export function eventIdSource(seed: string | null): EventIdSource {
  return { next: (name) => (seed === null ? randomUUID() : deriveUuid(seed, name)) };
}
