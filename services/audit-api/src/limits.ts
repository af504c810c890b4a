// Paging limits of the query API.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
/**
 * Deepest `offset` accepted. The database reads and discards every row
 * before the offset, so deeper pages must use `cursor`, which costs the
 * same at any depth.
 */
export const MAX_OFFSET = 10_000;
