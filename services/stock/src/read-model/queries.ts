// Reads of the state read model for the list and get endpoints. Every read
// returns the entity state exactly as the last applied event's `after`.
import type { Kysely } from 'kysely';
import { badRequest } from '@stock-audit/service-kit';
import type { ProductState } from '../domain/product.ts';
import type { SaleState } from '../domain/sale.ts';
import type { UserState } from '../domain/user.ts';
import type { StockTables } from '../tables.ts';
import type { ApplicationView } from './application-view.ts';

export const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 50;

export interface ListQuery {
  status?: string;
  limit?: string;
  offset?: string;
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  records: T[];
}

interface Paging {
  status?: string;
  limit: number;
  offset: number;
}

/** Parses the list query; `limit` must be 1 to MAX_PAGE_SIZE. */
export function parseListQuery(query: ListQuery | undefined): Paging {
  const limit = query?.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badRequest(`querystring.limit must be 1 to ${MAX_PAGE_SIZE} (got ${query?.limit})`);
  }

  return { status: query?.status, limit, offset: Number(query?.offset ?? 0) };
}

export async function listProducts(
  db: Kysely<StockTables>,
  paging: Paging,
): Promise<Page<ProductState>> {
  let query = db.selectFrom('products');
  if (paging.status) query = query.where('status', '=', paging.status);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select('state')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();

  return {
    total: Number(total),
    limit: paging.limit,
    offset: paging.offset,
    records: rows.map((row) => row.state),
  };
}

export async function getProduct(
  db: Kysely<StockTables>,
  id: number,
): Promise<ProductState | undefined> {
  const row = await db
    .selectFrom('products')
    .select('state')
    .where('id', '=', id)
    .executeTakeFirst();

  return row?.state;
}

/** Lists sales, only those `createdBy` recorded when given. */
export async function listSales(
  db: Kysely<StockTables>,
  paging: Paging,
  createdBy?: number,
): Promise<Page<SaleState>> {
  let query = db.selectFrom('sales');
  if (paging.status) query = query.where('status', '=', paging.status);
  if (createdBy !== undefined) query = query.where('created_by', '=', createdBy);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select('state')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();

  return {
    total: Number(total),
    limit: paging.limit,
    offset: paging.offset,
    records: rows.map((row) => row.state),
  };
}

export async function getSale(db: Kysely<StockTables>, id: number): Promise<SaleState | undefined> {
  const row = await db.selectFrom('sales').select('state').where('id', '=', id).executeTakeFirst();

  return row?.state;
}

export async function listUsers(db: Kysely<StockTables>, paging: Paging): Promise<Page<UserState>> {
  let query = db.selectFrom('users');
  if (paging.status) query = query.where('status', '=', paging.status);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select('state')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();

  return {
    total: Number(total),
    limit: paging.limit,
    offset: paging.offset,
    records: rows.map((row) => row.state),
  };
}

export async function getUser(db: Kysely<StockTables>, id: number): Promise<UserState | undefined> {
  const row = await db.selectFrom('users').select('state').where('id', '=', id).executeTakeFirst();

  return row?.state;
}

export async function listApplications(
  db: Kysely<StockTables>,
  paging: Paging,
): Promise<Page<ApplicationView>> {
  let query = db.selectFrom('applications');
  if (paging.status) query = query.where('status', '=', paging.status);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select('state')
    .orderBy('user_id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();

  return {
    total: Number(total),
    limit: paging.limit,
    offset: paging.offset,
    records: rows.map((row) => row.state),
  };
}
