// TypeBox schemas shared by the command definitions: ids in paths, money,
// quantities, identities and list paging. Objects reject unknown fields.
import { Type, type TSchema } from '@sinclair/typebox';

/** Pattern of a required name: at least one character that is not whitespace. */
export const NOT_BLANK = '\\S';

export const IdParams = Type.Object(
  {
    id: Type.String({
      pattern: '^[1-9][0-9]{0,14}$',
      description: 'a positive integer id of at most 15 digits',
    }),
  },
  { additionalProperties: false },
);

export const UserIdParams = Type.Object(
  {
    userId: Type.String({
      pattern: '^[1-9][0-9]{0,14}$',
      description: 'a positive integer id of at most 15 digits',
    }),
  },
  { additionalProperties: false },
);

/** A price as a decimal string ("12.50") or number (12.5); `parsePrice` checks the value. */
export const Price = Type.Unsafe<string | number>({
  type: ['string', 'number'],
  description: 'a decimal string or number with at most two decimals, e.g. "12.50"',
});

export const Quantity = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

export const Username = Type.String({
  pattern: '^[A-Za-z0-9_.-]{3,64}$',
  description: '3 to 64 letters, digits, ".", "_" or "-"',
});

export const Email = Type.String({ format: 'email', maxLength: 254 });

export const Password = Type.String({ minLength: 8, maxLength: 256 });

export const Role = Type.Union([
  Type.Literal('root'),
  Type.Literal('admin'),
  Type.Literal('seller'),
]);

/**
 * Builds the schema of a body naming a user by `username` or `email`, plus
 * `fields`. Exactly one of the two must be present, which `identityOf`
 * checks after validation.
 */
export function identifiedBody<T extends Record<string, TSchema>>(fields: T) {
  return Type.Object(
    {
      username: Type.Optional(Type.String({ minLength: 1, maxLength: 254, pattern: NOT_BLANK })),
      email: Type.Optional(Type.String({ minLength: 1, maxLength: 254, pattern: NOT_BLANK })),
      ...fields,
    },
    { additionalProperties: false },
  );
}

/** Query string of the list endpoints: paging and an optional status filter. */
export function listQuery(statuses: readonly string[]) {
  return Type.Object(
    {
      status: Type.Optional(Type.Union(statuses.map((status) => Type.Literal(status)))),
      limit: Type.Optional(
        Type.String({ pattern: '^[0-9]{1,4}$', description: 'page size, 1 to 200, default 50' }),
      ),
      offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'default 0' })),
    },
    { additionalProperties: false },
  );
}
