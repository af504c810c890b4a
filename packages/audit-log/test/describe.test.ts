import t from 'tap';
import { createEvent, type EventInput } from '@stock-audit/events';
import { DescriptionError, describeEvent, formatMoney } from '@stock-audit/audit-log';

const admin = { id: '1', username: 'alice', role: 'admin' };
// The envelope allows extra error fields; a failed login carries the claimed username.
const loginError = {
  code: 'INVALID_CREDENTIALS',
  message: 'Invalid username or password',
  username: 'mallory',
};

const cases: { name: string; event: EventInput; expected: string }[] = [
  {
    name: 'update lists changed fields in order',
    event: {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '14',
      action: 'update',
      actor: admin,
      before: { id: 14, quantity: 5, price: '10.00', name: 'Widget' },
      after: { id: 14, quantity: 3, price: '12.5', name: 'Widget' },
    },
    expected: 'price: 10.00 → 12.50; quantity: 5 → 3',
  },
  {
    name: 'update shows nested fields as dotted paths',
    event: {
      type: 'sale.updated',
      entity_type: 'sale',
      entity_id: '3',
      action: 'update',
      actor: admin,
      before: { items: [{ product_id: 1, quantity: 2, unit_price: 4 }], meta: { note: 'a' } },
      after: {
        items: [
          { product_id: 1, quantity: 3, unit_price: 4 },
          { product_id: 2, quantity: 1, unit_price: '1.005' },
        ],
        meta: { note: 'b' },
      },
    },
    expected:
      'items.0.quantity: 2 → 3; items.1.product_id: — → 2; items.1.quantity: — → 1; items.1.unit_price: — → 1.01; meta.note: a → b',
  },
  {
    name: 'update shows missing and null values as a dash',
    event: {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '14',
      action: 'update',
      actor: admin,
      before: { discount: null, name: 'Old' },
      after: { discount: 5, total_price: 7 },
    },
    expected: 'discount: — → 5; name: Old → —; total_price: — → 7.00',
  },
  {
    name: 'update with no change says so',
    event: {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '14',
      action: 'update',
      actor: admin,
      before: { price: '10.00' },
      after: { price: 10 },
    },
    expected: 'No fields changed on product 14',
  },
  {
    name: 'update orders numeric path segments by value',
    event: {
      type: 'sale.updated',
      entity_type: 'sale',
      entity_id: '3',
      action: 'update',
      actor: admin,
      before: { items: Array.from({ length: 11 }, () => 0) },
      after: { items: Array.from({ length: 11 }, (_, i) => (i === 2 || i === 10 ? 1 : 0)) },
    },
    expected: 'items.2: 0 → 1; items.10: 0 → 1',
  },
  {
    name: 'password change shows no value',
    event: {
      type: 'user.updated',
      entity_type: 'user',
      entity_id: '7',
      action: 'update',
      actor: admin,
      before: { username: 'bob', role: 'seller' },
      after: { username: 'bob', role: 'admin', password: '[changed]' },
    },
    expected: 'password changed; role: seller → admin',
  },
  {
    name: 'create lists the created fields',
    event: {
      type: 'product.created',
      entity_type: 'product',
      entity_id: '14',
      action: 'create',
      actor: admin,
      after: { id: 14, name: 'Widget', price: '10', quantity: 5, min_quantity: 1, tags: [] },
    },
    expected:
      'Created product 14: min_quantity: 1, name: Widget, price: 10.00, quantity: 5, tags: []',
  },
  {
    name: 'register lists the created fields',
    event: {
      type: 'user.registered',
      entity_type: 'user',
      entity_id: '9',
      action: 'register',
      after: { username: 'carol', email: 'c@example.com', status: 'pending' },
    },
    expected: 'Registered user 9: email: c@example.com, status: pending, username: carol',
  },
  {
    name: 'delete names the entity and its changes',
    event: {
      type: 'product.deleted',
      entity_type: 'product',
      entity_id: '14',
      action: 'delete',
      actor: admin,
      before: { name: 'Widget', status: 'active' },
      after: { name: 'Widget', status: 'deleted' },
    },
    expected: 'Deleted product 14 (Widget): status: active → deleted',
  },
  {
    name: 'delete without snapshots names the id',
    event: {
      type: 'user.deleted',
      entity_type: 'user',
      entity_id: '7',
      action: 'delete',
      actor: admin,
    },
    expected: 'Deleted user 7',
  },
  {
    name: 'login says who logged in',
    event: {
      type: 'user.logged_in',
      entity_type: 'user',
      entity_id: '1',
      action: 'login',
      actor: admin,
    },
    expected: 'alice logged in',
  },
  {
    name: 'failed login names the claimed user and why',
    event: {
      type: 'user.login_failed',
      entity_type: 'user',
      action: 'login',
      status: 'error',
      error: loginError,
    },
    expected: 'Login as mallory failed: Invalid username or password',
  },
  {
    name: 'failed update says what failed and why',
    event: {
      type: 'product.update_failed',
      entity_type: 'product',
      entity_id: '99',
      action: 'update',
      actor: admin,
      status: 'error',
      error: { code: 'NOT_FOUND', message: 'Product 99 not found' },
    },
    expected: 'Update product 99 failed: Product 99 not found',
  },
  {
    name: 'failed create without id and message uses the code',
    event: {
      type: 'sale.create_failed',
      entity_type: 'sale',
      action: 'create',
      actor: admin,
      status: 'error',
      error: { code: 'INSUFFICIENT_STOCK', message: '' },
    },
    expected: 'Create sale failed: INSUFFICIENT_STOCK',
  },
  {
    name: 'failed password reset names the user',
    event: {
      type: 'user.reset_password_failed',
      entity_type: 'user',
      entity_id: '7',
      action: 'reset_password',
      status: 'error',
      error: { code: 'CODE_INVALID', message: 'The reset code is invalid' },
    },
    expected: 'Password reset for user 7 failed: The reset code is invalid',
  },
  {
    name: 'activate shows its changes',
    event: {
      type: 'product.activated',
      entity_type: 'product',
      entity_id: '14',
      action: 'activate',
      actor: admin,
      before: { status: 'deleted' },
      after: { status: 'active' },
    },
    expected: 'Activated product 14: status: deleted → active',
  },
  {
    name: 'reset request without snapshots',
    event: {
      type: 'user.password_reset_requested',
      entity_type: 'user',
      entity_id: '7',
      action: 'reset_password',
    },
    expected: 'Password reset requested for user 7',
  },
  {
    name: 'unknown action uses the event type verb',
    event: {
      type: 'order.shipped',
      entity_type: 'order',
      entity_id: '5',
      action: 'ship',
      actor: admin,
      after: { carrier: 'DHL' },
    },
    expected: 'Shipped order 5: carrier: DHL',
  },
  {
    name: 'update keeps emoji and RTL marks',
    event: {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '15',
      action: 'update',
      actor: admin,
      before: { name: 'Café ☕', note: 'شاي\u200f 🍵' },
      after: { name: 'Café 👨\u200d👩\u200d👧 ☕', note: '\u202eשלום' },
    },
    expected: 'name: Café ☕ → Café 👨\u200d👩\u200d👧 ☕; note: شاي\u200f 🍵 → \u202eשלום',
  },
  {
    name: 'long value is not cut inside an emoji',
    event: {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '16',
      action: 'update',
      actor: admin,
      before: { name: 'short' },
      // The emoji's two UTF-16 code units sit at positions 199 and 200.
      after: { name: `${'a'.repeat(199)}😀${'b'.repeat(5000)}` },
    },
    expected: `name: short → ${'a'.repeat(199)}…`,
  },
  {
    name: 'long delete name is cut at a code point',
    event: {
      type: 'product.deleted',
      entity_type: 'product',
      entity_id: '17',
      action: 'delete',
      actor: admin,
      before: { name: '😀'.repeat(3000) },
    },
    // "Deleted product 17 (" is 20 code units, so the cut at 3999 falls inside a pair.
    expected: `Deleted product 17 (${'😀'.repeat(1989)}…`,
  },
];

for (const { name, event, expected } of cases) {
  t.test(name, async (t) => {
    t.equal(describeEvent(createEvent(event)), expected);
  });
}

t.test('description is the same for any key order', async (t) => {
  const forward = createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '1',
    action: 'update',
    before: { a: 1, b: 1 },
    after: { a: 2, b: 2 },
  });
  const backward = { ...forward, before: { b: 1, a: 1 }, after: { b: 2, a: 2 } };

  t.equal(describeEvent(backward), describeEvent(forward));
});

t.test('long change lists are cut with a count', async (t) => {
  const before = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field${i}`, i]));
  const after = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field${i}`, i + 1]));
  const text = describeEvent(
    createEvent({
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '1',
      action: 'update',
      before,
      after,
    }),
  );

  t.ok(text.length <= 4000, `length ${text.length} is at most 4000`);
  t.match(text, /; … and \d+ more$/);
});

t.test('undescribable events raise DescriptionError', async (t) => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 40; i++) deep = { next: deep };
  const events: EventInput[] = [
    { type: 'user.logged_in', entity_type: 'user', action: 'login' },
    { type: 'product.updated', entity_type: 'product', entity_id: '1', action: 'update' },
    {
      type: 'product.updated',
      entity_type: 'product',
      entity_id: '1',
      action: 'update',
      before: {},
      after: deep,
    },
  ];
  for (const event of events) {
    t.throws(() => describeEvent(createEvent(event)), DescriptionError, event.type);
  }
});

t.test('formatMoney rounds decimal strings half away from zero', async (t) => {
  const cases: [string | number, string | null][] = [
    ['10', '10.00'],
    ['12.5', '12.50'],
    ['1.005', '1.01'],
    ['1.004', '1.00'],
    [0.1 + 0.2, '0.30'],
    ['-2.345', '-2.35'],
    ['-0.001', '0.00'],
    ['abc', null],
    [1e21, null],
  ];
  for (const [input, expected] of cases) t.equal(formatMoney(input), expected, String(input));
});
