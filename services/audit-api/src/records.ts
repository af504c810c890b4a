// Reads pages of audit_log for the query API: filters, keyset or offset
// paging, and the total, all from one read-only snapshot.
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AuditTables } from '@stock-audit/audit-log';
import { encodeCursor, type Cursor, type SortOrder } from './cursor.ts';
import type { EpochMicros } from './time.ts';

export interface RecordFilters {
  userId?: string;
  /** Lowercase action. */
  action?: string;
  entityType?: string;
  /** Any of these entity types; the user trail uses it to add the user's application rows. */
  entityTypes?: string[];
  entityId?: string;
  status?: string;
  from?: EpochMicros;
  /** Exclusive upper bound. */
  before?: EpochMicros;
}

export interface PageRequest {
  limit: number;
  offset: number;
  cursor: Cursor | null;
  order: SortOrder;
}

export interface Page<Row> {
  total: number;
  rows: Row[];
  nextCursor: string | null;
}

const LIST_COLUMNS = [
  'id',
  'user_id',
  'username',
  'action',
  'entity_type',
  'entity_id',
  'description',
  'timestamp',
  'status',
] as const;
const TRAIL_COLUMNS = [...LIST_COLUMNS, 'old_value', 'new_value'] as const;

type AuditQuery = SelectQueryBuilder<AuditTables, 'audit_log', object>;

/** Microseconds since the epoch as a timestamptz, exactly (interval arithmetic is integral). */
function micros(value: EpochMicros) {
  return sql`(timestamptz 'epoch' + ${value.toString()}::bigint * interval '1 microsecond')`;
}

function applyFilters(query: AuditQuery, filters: RecordFilters): AuditQuery {
  let filtered = query;
  if (filters.userId !== undefined) filtered = filtered.where('user_id', '=', filters.userId);
  if (filters.action !== undefined) filtered = filtered.where('action', '=', filters.action);
  if (filters.entityType !== undefined) {
    filtered = filtered.where('entity_type', '=', filters.entityType);
  }
  if (filters.entityTypes !== undefined) {
    filtered = filtered.where('entity_type', 'in', filters.entityTypes);
  }
  if (filters.entityId !== undefined) filtered = filtered.where('entity_id', '=', filters.entityId);
  if (filters.status !== undefined) {
    filtered = filtered.where('status', '=', filters.status as 'success' | 'error');
  }
  if (filters.from !== undefined) {
    filtered = filtered.where(sql<boolean>`"timestamp" >= ${micros(filters.from)}`);
  }
  if (filters.before !== undefined) {
    filtered = filtered.where(sql<boolean>`"timestamp" < ${micros(filters.before)}`);
  }

  return filtered;
}

function afterCursor(cursor: Cursor) {
  return (_eb: ExpressionBuilder<AuditTables, 'audit_log'>) =>
    cursor.order === 'desc'
      ? sql<boolean>`("timestamp", id) < (${micros(cursor.timestamp)}, ${cursor.id}::bigint)`
      : sql<boolean>`("timestamp", id) > (${micros(cursor.timestamp)}, ${cursor.id}::bigint)`;
}

/**
 * Returns one page, ordered by (timestamp, id) in `page.order`, and the
 * number of records matching the filters. `trail` adds old_value and
 * new_value to each row.
 */
export async function findRecords(
  db: Kysely<AuditTables>,
  filters: RecordFilters,
  page: PageRequest,
  trail = false,
) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const base = applyFilters(trx.selectFrom('audit_log'), filters);
      const { total } = await base
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();

      let query = base
        .select(trail ? TRAIL_COLUMNS : LIST_COLUMNS)
        .select(sql<number>`(extract(epoch from "timestamp") * 1000000)::bigint`.as('cursor_time'))
        .orderBy('timestamp', page.order)
        .orderBy('id', page.order)
        .limit(page.limit + 1)
        .offset(page.offset);
      if (page.cursor) query = query.where(afterCursor(page.cursor));
      const rows = await query.execute();

      const hasMore = rows.length > page.limit;
      const pageRows = rows.slice(0, page.limit);
      const last = pageRows.at(-1);
      const nextCursor =
        hasMore && last
          ? encodeCursor({ timestamp: BigInt(last.cursor_time), id: last.id, order: page.order })
          : null;

      return { total: Number(total), rows: pageRows, nextCursor };
    });
}
