// New entity ids, one PostgreSQL sequence per entity type. A number drawn by
// a command that then fails stays unused, so ids can have gaps.
import { sql, type Kysely } from 'kysely';
import type { StockTables } from '../tables.ts';

const SEQUENCES = {
  product: 'product_id_seq',
  sale: 'sale_id_seq',
  user: 'user_id_seq',
} as const;

export async function nextEntityId(
  db: Kysely<StockTables>,
  entityType: keyof typeof SEQUENCES,
): Promise<number> {
  const result = await sql<{
    id: number;
  }>`SELECT nextval(${SEQUENCES[entityType]}::regclass) AS id`.execute(db);

  return Number(result.rows[0]!.id);
}

/** Parses a validated path id. */
export function pathId(value: string): number {
  return Number(value);
}
