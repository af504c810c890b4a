// Product commands (create, update, delete, activate) and queries (list, get).
import { Type, type Static } from '@sinclair/typebox';
import { badRequest, conflict, notFound } from '@stock-audit/service-kit';
import { formatCents, toCents } from '../domain/money.ts';
import {
  activateProduct,
  createProduct,
  deactivateProduct,
  updateProduct,
  type ProductFields,
  type ProductState,
} from '../domain/product.ts';
import { getProduct, listProducts, parseListQuery, type ListQuery } from '../read-model/queries.ts';
import { appendStateEvent } from './append.ts';
import { nextEntityId, pathId } from './ids.ts';
import { IdParams, NOT_BLANK, Price, Quantity, listQuery } from './schemas.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const MANAGERS = ['admin', 'root'] as const;
const EVERYONE = ['seller', 'admin', 'root'] as const;

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NOT_BLANK }),
  price: Price,
  quantity: Quantity,
  min_quantity: Quantity,
};
const CreateBody = Type.Object(productFields, { additionalProperties: false });
const UpdateBody = Type.Partial(Type.Object(productFields), {
  additionalProperties: false,
  minProperties: 1,
});

type IdInput = { params: Static<typeof IdParams> };

function parsePrice(value: string | number): string {
  const cents = toCents(value);
  if (cents === null) {
    throw badRequest(
      `body.price must be a non-negative decimal with at most two decimals, such as "12.50" (got ${JSON.stringify(value)})`,
    );
  }

  return formatCents(cents);
}

function missing(id: number) {
  return notFound(`Product ${id} not found`, 'PRODUCT_NOT_FOUND');
}

/** Appends one event to an existing product, deciding from its current state. */
async function changeProduct(
  ctx: CommandContext,
  id: number,
  type: string,
  next: (current: ProductState, now: string) => ProductState,
) {
  const appended = await appendStateEvent<ProductState>(ctx, {
    entityType: 'product',
    entityId: id,
    eventId: ctx.eventIds.next('main'),
    decide: (current) => {
      if (!current) throw missing(id);

      return { type, after: next(current, new Date().toISOString()) };
    },
  });

  return { result: appended.after };
}

export const productCommands: CommandDefinition[] = [
  {
    name: 'product.create',
    kind: 'command',
    entityType: 'product',
    action: 'create',
    method: 'POST',
    url: '/api/products',
    successStatus: 201,
    summary: 'Create a product',
    access: MANAGERS,
    body: CreateBody,
    idempotent: true,
    async handle(ctx, { body }: { body: Static<typeof CreateBody> }) {
      const fields: ProductFields = { ...body, price: parsePrice(body.price) };
      const id = await nextEntityId(ctx.deps.db, 'product');
      const appended = await appendStateEvent<ProductState>(ctx, {
        entityType: 'product',
        entityId: id,
        eventId: ctx.eventIds.next('main'),
        decide: (current) => {
          if (current) throw conflict(`Product ${id} already exists`, 'PRODUCT_EXISTS');

          return {
            type: 'product.created',
            after: createProduct(id, fields, new Date().toISOString()),
          };
        },
      });

      return { result: appended.after };
    },
  },
  {
    name: 'product.update',
    kind: 'command',
    entityType: 'product',
    action: 'update',
    method: 'PUT',
    url: '/api/products/:id',
    successStatus: 200,
    summary: 'Change any of a product’s name, price, quantity and min_quantity',
    access: MANAGERS,
    params: IdParams,
    body: UpdateBody,
    idempotent: true,
    async handle(ctx, { params, body }: IdInput & { body: Static<typeof UpdateBody> }) {
      const { price, ...rest } = body;
      const changes: Partial<ProductFields> =
        price === undefined ? rest : { ...rest, price: parsePrice(price) };

      return changeProduct(ctx, pathId(params.id), 'product.updated', (current, now) =>
        updateProduct(current, changes, now),
      );
    },
  },
  {
    name: 'product.delete',
    kind: 'command',
    entityType: 'product',
    action: 'delete',
    method: 'DELETE',
    url: '/api/products/:id',
    successStatus: 200,
    summary: 'Deactivate a product (soft delete: status becomes inactive)',
    access: MANAGERS,
    params: IdParams,
    idempotent: true,
    async handle(ctx, { params }: IdInput) {
      return changeProduct(ctx, pathId(params.id), 'product.deleted', deactivateProduct);
    },
  },
  {
    name: 'product.activate',
    kind: 'command',
    entityType: 'product',
    action: 'activate',
    method: 'POST',
    url: '/api/products/:id/activate',
    successStatus: 200,
    summary: 'Reactivate an inactive product',
    access: MANAGERS,
    params: IdParams,
    idempotent: true,
    async handle(ctx, { params }: IdInput) {
      return changeProduct(ctx, pathId(params.id), 'product.activated', activateProduct);
    },
  },
  {
    name: 'product.list',
    kind: 'query',
    entityType: 'product',
    action: 'list',
    method: 'GET',
    url: '/api/products',
    successStatus: 200,
    summary: 'List products by id, optionally by status',
    access: EVERYONE,
    querystring: listQuery(['active', 'inactive']),
    idempotent: false,
    async handle(ctx, { query }: { query: ListQuery }) {
      return { result: await listProducts(ctx.deps.db, parseListQuery(query)) };
    },
  },
  {
    name: 'product.get',
    kind: 'query',
    entityType: 'product',
    action: 'get',
    method: 'GET',
    url: '/api/products/:id',
    successStatus: 200,
    summary: 'Get one product',
    access: EVERYONE,
    params: IdParams,
    idempotent: false,
    async handle(ctx, { params }: IdInput) {
      const product = await getProduct(ctx.deps.db, pathId(params.id));
      if (!product) throw missing(pathId(params.id));

      return { result: product };
    },
  },
];
