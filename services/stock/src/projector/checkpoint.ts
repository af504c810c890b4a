// The projector's checkpoint in projection_checkpoints: the highest stream
// sequence it has processed. JetStream's durable consumer tracks delivery
// itself; the checkpoint is for operators and for comparing projections.
import { sql, type Kysely } from 'kysely';
import type { StockTables } from '../tables.ts';

export async function saveCheckpoint(
  db: Kysely<StockTables>,
  projection: string,
  sequence: number,
): Promise<void> {
  await db
    .insertInto('projection_checkpoints')
    .values({ projection, last_sequence: sequence })
    .onConflict((conflict) =>
      conflict.column('projection').doUpdateSet({
        last_sequence: sql<number>`GREATEST(projection_checkpoints.last_sequence, excluded.last_sequence)`,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function readCheckpoint(db: Kysely<StockTables>, projection: string): Promise<number> {
  const row = await db
    .selectFrom('projection_checkpoints')
    .select('last_sequence')
    .where('projection', '=', projection)
    .executeTakeFirst();

  return row?.last_sequence ?? 0;
}
