// Sale state and the stock movements a sale or a sale change implies.
import { AppError, badRequest, conflict } from '@stock-audit/service-kit';
import { formatCents, toCents } from './money.ts';
import { insufficientStock, type ProductState } from './product.ts';

export type SaleStatus = 'completed' | 'cancelled';

export interface SaleLine {
  [key: string]: unknown;
  product_id: number;
  name: string;
  quantity: number;
  /** Product price when the line was priced, e.g. "12.50". */
  unit_price: string;
  /** unit_price × quantity, e.g. "25.00". */
  total_price: string;
}

/** A sale as stored in its events' `before` and `after`. */
export interface SaleState {
  [key: string]: unknown;
  id: number;
  status: SaleStatus;
  payment_method: string;
  items: SaleLine[];
  total_price: string;
  /** Id of the user who recorded the sale; null when no user did. */
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface SaleItemInput {
  product_id: number;
  quantity: number;
}

/** Rejects a list of items that names one product twice. */
export function assertDistinctProducts(items: SaleItemInput[]): void {
  const seen = new Set<number>();
  items.forEach((item, index) => {
    if (seen.has(item.product_id)) {
      throw badRequest(
        `body.items.${index}.product_id repeats product ${item.product_id}; list each product once`,
      );
    }
    seen.add(item.product_id);
  });
}

/**
 * Prices each item: at the unit price in `keptPrices` for a product already
 * on the sale, else at the product's current price (`products` maps id to state).
 */
export function priceLines(
  items: SaleItemInput[],
  products: Map<number, ProductState>,
  keptPrices: Map<number, string> = new Map(),
): { lines: SaleLine[]; totalPrice: string } {
  let totalCents = 0;
  const lines = items.map((item) => {
    const product = products.get(item.product_id)!;
    const unitCents = toCents(keptPrices.get(item.product_id) ?? product.price) ?? 0;
    totalCents += unitCents * item.quantity;

    return {
      product_id: item.product_id,
      name: product.name,
      quantity: item.quantity,
      unit_price: formatCents(unitCents),
      total_price: formatCents(unitCents * item.quantity),
    };
  });

  return { lines, totalPrice: formatCents(totalCents) };
}

/** Quantity of each product in `lines`, by product id. */
export function quantitiesByProduct(lines: readonly SaleItemInput[]): Map<number, number> {
  const quantities = new Map<number, number>();
  for (const line of lines) {
    quantities.set(line.product_id, (quantities.get(line.product_id) ?? 0) + line.quantity);
  }

  return quantities;
}

/**
 * Stock change per product when a sale's lines go from `before` to `after`:
 * negative takes stock, positive returns it. Products with no change are left out.
 */
export function stockDeltas(
  before: readonly SaleItemInput[],
  after: readonly SaleItemInput[],
): Map<number, number> {
  const deltas = new Map<number, number>();
  const old = quantitiesByProduct(before);
  const next = quantitiesByProduct(after);
  for (const id of new Set([...old.keys(), ...next.keys()])) {
    const delta = (old.get(id) ?? 0) - (next.get(id) ?? 0);
    if (delta !== 0) deltas.set(id, delta);
  }

  return deltas;
}

/**
 * Checks that every product that loses stock in `deltas` is active and has
 * enough of it, throwing 409 PRODUCT_INACTIVE or INSUFFICIENT_STOCK.
 */
export function assertStockAvailable(
  deltas: Map<number, number>,
  products: Map<number, ProductState>,
): void {
  for (const [id, delta] of deltas) {
    if (delta >= 0) continue;
    const product = products.get(id)!;
    if (product.status !== 'active') {
      throw new AppError(409, 'PRODUCT_INACTIVE', `Product ${id} is inactive and cannot be sold`, {
        product_id: id,
      });
    }
    if (product.quantity + delta < 0) throw insufficientStock(product, -delta);
  }
}

export function assertNotCancelled(sale: SaleState): void {
  if (sale.status === 'cancelled') {
    throw conflict(`Sale ${sale.id} is cancelled and cannot change`, 'SALE_CANCELLED');
  }
}
