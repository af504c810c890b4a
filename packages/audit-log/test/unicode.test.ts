import t from 'tap';
import { createEvent, encodeEvent } from '@stock-audit/events';
import { projectBatch, type AuditTables } from '@stock-audit/audit-log';
import { createTestContext } from '@stock-audit/testkit';

t.test('emoji, RTL and long strings round-trip', async (t) => {
  const ctx = await createTestContext<AuditTables>(t, { createStream: false });
  const after = {
    name: `${'a'.repeat(199)}😀 👨\u200d👩\u200d👧 \u202eשלום\u200f`,
    note: '🍵'.repeat(20_000),
  };
  const event = createEvent({
    type: 'product.created',
    entity_type: 'product',
    entity_id: '1',
    action: 'create',
    actor: { id: '1', username: 'مدير\u200f😀', role: 'admin' },
    after,
  });
  const outcome = await projectBatch(ctx.db, [
    { sequence: 1, subject: 'test.state.product.1', msgId: null, data: encodeEvent(event) },
  ]);
  t.same(outcome.rejected, [], 'nothing dead-lettered');

  const row = await ctx.db
    .selectFrom('audit_log')
    .select(['username', 'description', 'new_value'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  t.equal(row.username, 'مدير\u200f😀');
  t.same(row.new_value, after, 'new_value keeps every character');
  t.equal(row.description.includes('\ufffd'), false, 'no replacement character');
  t.match(row.description, /^Created product 1: name: a{199}…, note: (🍵){100}…$/);
});
