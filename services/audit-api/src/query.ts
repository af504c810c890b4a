// Turns validated query parameters into record filters and a page request.
import { badRequest } from '@stock-audit/service-kit';
import { decodeCursor, type SortOrder } from './cursor.ts';
import { DEFAULT_LIMIT } from './limits.ts';
import type { PageRequest, RecordFilters } from './records.ts';
import { parseTimePoint } from './time.ts';
import { parameterError } from './validation.ts';

/** Query parameters after schema validation and type coercion. */
export interface ListQuery {
  action?: string;
  from?: string;
  to?: string;
  entity_type?: string;
  status?: string;
  user_id?: string;
  limit?: number;
  offset?: number;
  cursor?: string;
}

/** Throws a 400 naming the parameter when a time, the cursor or their combination is invalid. */
export function parseListQuery(
  query: ListQuery,
  order: SortOrder,
): { filters: RecordFilters; page: PageRequest } {
  const filters: RecordFilters = {
    userId: query.user_id,
    action: query.action?.toLowerCase(),
    entityType: query.entity_type,
    status: query.status,
  };
  if (query.from !== undefined) {
    const from = parseTimePoint(query.from);
    if (!from) throw parameterError('from', query.from);
    filters.from = from.start;
  }
  if (query.to !== undefined) {
    const to = parseTimePoint(query.to);
    if (!to) throw parameterError('to', query.to);
    filters.before = to.start + to.unit;
  }
  if (
    filters.from !== undefined &&
    filters.before !== undefined &&
    filters.from >= filters.before
  ) {
    throw badRequest(
      `from must not be later than to (got from "${query.from}", to "${query.to}")`,
      'INVALID_PARAMETER',
    );
  }

  const offset = query.offset ?? 0;
  let cursor = null;
  if (query.cursor !== undefined) {
    cursor = decodeCursor(query.cursor);
    if (!cursor || cursor.order !== order) throw parameterError('cursor', query.cursor);
    if (offset > 0) {
      throw badRequest(
        'offset cannot be combined with cursor; the cursor already marks the position',
        'INVALID_PARAMETER',
      );
    }
  }

  return { filters, page: { limit: query.limit ?? DEFAULT_LIMIT, offset, cursor, order } };
}
