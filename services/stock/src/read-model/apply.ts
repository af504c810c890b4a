// Applies one state event to the state read model. The command handlers call
// it right after an append (read-your-writes). The state projector and the
// rebuild call it again for every event of the stream. Each row keeps the
// stream sequence of the last event applied to it, so a repeated or older
// event changes nothing.
import type { Kysely } from 'kysely';
import type { EventEnvelope } from '@stock-audit/events';
import type { ProductState } from '../domain/product.ts';
import type { SaleState } from '../domain/sale.ts';
import type { UserState } from '../domain/user.ts';
import type { StockTables } from '../tables.ts';
import { applicationOf } from './application-view.ts';

/**
 * Writes `event.after` into the table of the event's entity when `sequence`
 * is newer than the row's. Pass `db.withSchema(name)` to write into the same
 * tables in another schema, as a rebuild does. Returns false for an event this
 * read model does not hold (another entity type, no `after`, or a login).
 */
export async function applyStateEvent(
  db: Kysely<StockTables>,
  event: EventEnvelope,
  sequence: number,
): Promise<boolean> {
  if (event.status !== 'success' || event.after === null) return false;
  // A login repeats the user's state as `after` but changes nothing, so it
  // must not move the row's sequence.
  if (event.action === 'login') return false;

  switch (event.entity_type) {
    case 'product':
      await applyProduct(db, event.after as ProductState, sequence);
      return true;
    case 'sale':
      await applySale(db, event.after as SaleState, sequence);
      return true;
    case 'user':
    case 'application':
      await applyUser(db, event.after as UserState, sequence);
      return true;
    default:
      return false;
  }
}

async function applyProduct(db: Kysely<StockTables>, state: ProductState, sequence: number) {
  await db
    .insertInto('products')
    .values({
      id: state.id,
      name: state.name,
      price: state.price,
      quantity: state.quantity,
      min_quantity: state.min_quantity,
      status: state.status,
      state: JSON.stringify(state),
      last_sequence: sequence,
    })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          price: eb.ref('excluded.price'),
          quantity: eb.ref('excluded.quantity'),
          min_quantity: eb.ref('excluded.min_quantity'),
          status: eb.ref('excluded.status'),
          state: eb.ref('excluded.state'),
          last_sequence: eb.ref('excluded.last_sequence'),
        }))
        .whereRef('products.last_sequence', '<', 'excluded.last_sequence'),
    )
    .execute();
}

async function applySale(db: Kysely<StockTables>, state: SaleState, sequence: number) {
  await db
    .insertInto('sales')
    .values({
      id: state.id,
      status: state.status,
      total_price: state.total_price,
      created_by: state.created_by,
      state: JSON.stringify(state),
      last_sequence: sequence,
    })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          total_price: eb.ref('excluded.total_price'),
          created_by: eb.ref('excluded.created_by'),
          state: eb.ref('excluded.state'),
          last_sequence: eb.ref('excluded.last_sequence'),
        }))
        .whereRef('sales.last_sequence', '<', 'excluded.last_sequence'),
    )
    .execute();
}

async function applyUser(db: Kysely<StockTables>, state: UserState, sequence: number) {
  await db
    .insertInto('users')
    .values({
      id: state.id,
      username: state.username,
      email: state.email,
      role: state.role,
      status: state.status,
      state: JSON.stringify(state),
      last_sequence: sequence,
    })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          username: eb.ref('excluded.username'),
          email: eb.ref('excluded.email'),
          role: eb.ref('excluded.role'),
          status: eb.ref('excluded.status'),
          state: eb.ref('excluded.state'),
          last_sequence: eb.ref('excluded.last_sequence'),
        }))
        .whereRef('users.last_sequence', '<', 'excluded.last_sequence'),
    )
    .execute();

  const application = applicationOf(state);
  if (!application) return;
  await db
    .insertInto('applications')
    .values({
      user_id: state.id,
      status: application.status,
      state: JSON.stringify(application),
      last_sequence: sequence,
    })
    .onConflict((conflict) =>
      conflict
        .column('user_id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          state: eb.ref('excluded.state'),
          last_sequence: eb.ref('excluded.last_sequence'),
        }))
        .whereRef('applications.last_sequence', '<', 'excluded.last_sequence'),
    )
    .execute();
}
