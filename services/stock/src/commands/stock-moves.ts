// Stock movements caused by a sale event: one product.updated event per
// product, each with the sale event as its causation, appended with the same
// optimistic concurrency as any product change.
import type { EventEnvelope } from '@stock-audit/events';
import { AppError, notFound } from '@stock-audit/service-kit';
import { getLastEvent, stateSubject } from '@stock-audit/jetstream';
import { adjustStock, type ProductState } from '../domain/product.ts';
import { appendStateEvent } from './append.ts';
import { deriveUuid } from './event-ids.ts';
import type { CommandContext } from './types.ts';

/** Reads the current state of each product from its subject, or throws 404 naming the first missing. */
export async function loadProducts(
  ctx: CommandContext,
  ids: Iterable<number>,
): Promise<Map<number, ProductState>> {
  const { jsm, config } = ctx.deps;
  const products = new Map<number, ProductState>();
  for (const id of ids) {
    const last = await getLastEvent(
      jsm,
      config.streamName,
      stateSubject(config.subjectPrefix, 'product', id),
    );
    if (!last) {
      throw new AppError(404, 'PRODUCT_NOT_FOUND', `Product ${id} not found`, { product_id: id });
    }
    products.set(id, last.event.after as ProductState);
  }

  return products;
}

export interface StockMoveOutcome {
  /** Deltas stored so far, by product id. */
  applied: Map<number, number>;
  /** The error that stopped the moves, or null when all were stored. */
  failure: AppError | null;
}

/**
 * Applies `deltas` (by product id, negative takes stock) as events caused by
 * `cause`. Returns of stock go first, so a failure leaves less to undo. Stops
 * at the first product that cannot move (404, 409) and returns what was
 * applied, so the caller can compensate. Event ids derive from the cause's
 * id, so a repeated move is stored once.
 */
export async function moveStock(
  ctx: CommandContext,
  cause: EventEnvelope,
  deltas: Map<number, number>,
): Promise<StockMoveOutcome> {
  const applied = new Map<number, number>();
  const ordered = [...deltas].sort(([, a], [, b]) => b - a);
  for (const [productId, delta] of ordered) {
    try {
      await appendStateEvent<ProductState>(ctx, {
        entityType: 'product',
        entityId: productId,
        eventId: deriveUuid(cause.id, `product:${productId}`),
        action: 'update',
        causationId: cause.id,
        decide: (current) => {
          if (!current) throw notFound(`Product ${productId} not found`, 'PRODUCT_NOT_FOUND');

          return {
            type: 'product.updated',
            after: adjustStock(current, delta, new Date().toISOString()),
          };
        },
      });
    } catch (error) {
      if (error instanceof AppError) return { applied, failure: error };
      throw error;
    }
    applied.set(productId, delta);
  }

  return { applied, failure: null };
}

/** Returns the deltas that undo `applied`. */
export function reverse(applied: Map<number, number>): Map<number, number> {
  return new Map([...applied].map(([id, delta]) => [id, -delta]));
}
