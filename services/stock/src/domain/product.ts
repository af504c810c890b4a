// Product state and the decisions of the product commands. Each decision
// takes the current state and returns the next one, or throws an AppError.
import { AppError, conflict } from '@stock-audit/service-kit';

export type ProductStatus = 'active' | 'inactive';

/** A product as stored in its events' `before` and `after`. */
export interface ProductState {
  [key: string]: unknown;
  id: number;
  name: string;
  /** Decimal string with two decimals, e.g. "12.50". */
  price: string;
  quantity: number;
  min_quantity: number;
  status: ProductStatus;
  created_at: string;
  updated_at: string;
}

export interface ProductFields {
  name: string;
  price: string;
  quantity: number;
  min_quantity: number;
}

export function createProduct(id: number, fields: ProductFields, now: string): ProductState {
  return { id, ...fields, status: 'active', created_at: now, updated_at: now };
}

export function updateProduct(
  current: ProductState,
  changes: Partial<ProductFields>,
  now: string,
): ProductState {
  return { ...current, ...changes, updated_at: now };
}

export function deactivateProduct(current: ProductState, now: string): ProductState {
  if (current.status === 'inactive') {
    throw conflict(`Product ${current.id} is already inactive`, 'PRODUCT_ALREADY_INACTIVE');
  }

  return { ...current, status: 'inactive', updated_at: now };
}

export function activateProduct(current: ProductState, now: string): ProductState {
  if (current.status === 'active') {
    throw conflict(`Product ${current.id} is already active`, 'PRODUCT_ALREADY_ACTIVE');
  }

  return { ...current, status: 'active', updated_at: now };
}

/**
 * Moves a product's stock by `delta` (negative for a sale), or throws 409
 * INSUFFICIENT_STOCK when the quantity would drop below zero.
 */
export function adjustStock(current: ProductState, delta: number, now: string): ProductState {
  const quantity = current.quantity + delta;
  if (quantity < 0) throw insufficientStock(current, -delta);

  return { ...current, quantity, updated_at: now };
}

/** The 409 of a sale or sale change that needs more stock than a product has. */
export function insufficientStock(product: ProductState, requested: number): AppError {
  return new AppError(
    409,
    'INSUFFICIENT_STOCK',
    `Insufficient stock for product ${product.id}: requested ${requested}, available ${product.quantity}`,
    { product_id: product.id, requested, available: product.quantity },
  );
}
