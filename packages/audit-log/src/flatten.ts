// Turns a before/after snapshot into its leaf values keyed by dotted path
// ("items.0.unit_price"), the unit in which descriptions compare and list fields.

/** Deepest nesting a description follows; deeper snapshots cannot be described. */
export const MAX_DEPTH = 32;

/** Raised when a snapshot nests deeper than MAX_DEPTH. */
export class SnapshotTooDeepError extends Error {
  constructor(readonly path: string) {
    super(`snapshot nests deeper than ${MAX_DEPTH} levels at ${path}`);
    this.name = 'SnapshotTooDeepError';
  }
}

/**
 * Returns the leaves of `value`: primitives, and empty objects or arrays.
 * Array items are keyed by their index.
 */
export function flatten(value: Record<string, unknown> | null): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  if (value !== null) collect(value, '', 0, leaves);

  return leaves;
}

function collect(value: unknown, path: string, depth: number, leaves: Map<string, unknown>): void {
  const isContainer = value !== null && typeof value === 'object';
  if (!isContainer) {
    leaves.set(path, value);
    return;
  }
  if (depth > MAX_DEPTH) throw new SnapshotTooDeepError(path);

  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  if (entries.length === 0 && path !== '') leaves.set(path, value);
  for (const [key, child] of entries) {
    collect(child, path ? `${path}.${key}` : key, depth + 1, leaves);
  }
}

/** Last segment of a dotted path: the key a value was stored under. */
export function leafKey(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * Orders dotted paths segment by segment, numeric segments by value, so
 * "items.2" comes before "items.10" and the order never depends on the
 * order of keys in the event.
 */
export function comparePaths(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const bothNumeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    if (bothNumeric) return Number(x) - Number(y);

    return x < y ? -1 : 1;
  }

  return left.length - right.length;
}
