// Kysely table types of the command side: the state read model and the
// tables that never reach the stream (credentials, reset codes, idempotency).
import type { ColumnType } from 'kysely';
import type { CoreTables } from '@stock-audit/db';
import type { ProductState } from './domain/product.ts';
import type { SaleState } from './domain/sale.ts';
import type { ApplicationView } from './read-model/application-view.ts';
import type { UserState } from './domain/user.ts';

/** A jsonb column: read as the object, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** A numeric column: read as a decimal string, written as one. */
type Numeric = ColumnType<string, string, string>;

export interface ProductsTable {
  id: number;
  name: string;
  price: Numeric;
  quantity: number;
  min_quantity: number;
  status: string;
  state: Json<ProductState>;
  last_sequence: number;
}

export interface SalesTable {
  id: number;
  status: string;
  total_price: Numeric;
  created_by: number | null;
  state: Json<SaleState>;
  last_sequence: number;
}

export interface UsersTable {
  id: number;
  username: string;
  email: string;
  role: string;
  status: string;
  state: Json<UserState>;
  last_sequence: number;
}

export interface ApplicationsTable {
  user_id: number;
  status: string;
  state: Json<ApplicationView>;
  last_sequence: number;
}

/** The state read model: every table the state projector writes. */
export interface StateTables {
  products: ProductsTable;
  sales: SalesTable;
  users: UsersTable;
  applications: ApplicationsTable;
}

export interface CredentialsTable {
  user_id: number;
  username_key: string;
  email_key: string;
  password_hash: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PasswordResetCodesTable {
  user_id: number;
  code_hash: string;
  expires_at: ColumnType<Date, Date, Date>;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, Date>;
}

export interface IdempotencyRecordsTable {
  scope: string;
  key: string;
  request_hash: string;
  created_at: ColumnType<Date, Date | undefined, Date>;
  locked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  status_code: number | null;
  response: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface StockTables extends CoreTables, StateTables {
  credentials: CredentialsTable;
  password_reset_codes: PasswordResetCodesTable;
  idempotency_records: IdempotencyRecordsTable;
}
