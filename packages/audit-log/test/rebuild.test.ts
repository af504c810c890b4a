import t from 'tap';
import { sql } from 'kysely';
import { createDb } from '@stock-audit/db';
import { createEvent, encodeEvent } from '@stock-audit/events';
import {
  createRebuildTable,
  projectBatch,
  swapAuditTable,
  type AuditTables,
  type StreamMessage,
} from '@stock-audit/audit-log';
import { createTestContext } from '@stock-audit/testkit';

function messages(first: number, count: number): StreamMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    sequence: first + i,
    subject: 'test.state.product.1',
    msgId: null,
    data: encodeEvent(
      createEvent({
        type: 'product.updated',
        entity_type: 'product',
        entity_id: '1',
        action: 'update',
        before: { quantity: first + i },
        after: { quantity: first + i + 1 },
      }),
    ),
  }));
}

t.test('rebuilt table swaps in with the API grant', async (t) => {
  const ctx = await createTestContext<AuditTables>(t, { createStream: false });
  const reader = createDb<AuditTables>(ctx.config.auditDatabaseUrl, { max: 1 });
  t.teardown(() => reader.destroy());
  const stream = messages(1, 12);

  // The live projector has stored all 12; the rebuild has read the first 10.
  await projectBatch(ctx.db, stream);
  await createRebuildTable(ctx.db, 'audit_log_rebuild');
  const rebuilt = await projectBatch(ctx.db, stream.slice(0, 10), { table: 'audit_log_rebuild' });
  t.equal(rebuilt.inserted.length, 10);
  const live = await ctx.db.selectFrom('audit_log').selectAll().orderBy('id').execute();

  const result = await swapAuditTable(ctx.db, 'audit_log_rebuild', {
    auditDbRole: ctx.config.auditDbRole,
    retiredName: 'audit_log_retired',
  });
  t.equal(result.copiedRows, 2, 'rows stored after the rebuild ended are copied');
  t.equal(result.rows, 12);

  const swapped = await ctx.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  t.same(
    swapped.map(({ projected_at: _projected, ...row }) => row),
    live.map(({ projected_at: _projected, ...row }) => row),
    'the rebuild reproduces the live rows',
  );
  const readable = await sql<{
    count: number;
  }>`SELECT count(*)::int AS count FROM audit_log`.execute(reader);
  t.equal(readable.rows[0]!.count, 12, 'API role can read the swapped-in table');
  await t.rejects(
    sql`SELECT 1 FROM audit_log_retired`.execute(reader),
    { code: '42501' },
    'API role cannot read the retired table',
  );
  await t.rejects(sql`INSERT INTO audit_log SELECT * FROM audit_log_retired`.execute(reader), {
    code: '42501',
  });

  const counts = await ctx.db
    .selectFrom('audit_projection_counts')
    .selectAll()
    .where('projection', '=', 'audit_log')
    .executeTakeFirstOrThrow();
  t.equal(counts.rows, 12);
  const again = await projectBatch(ctx.db, stream);
  t.equal(again.inserted.length, 0, 'the live projector continues on the new table');
  t.equal(again.alreadyStored.length, 12);
});

t.test('rebuild table names are checked', async (t) => {
  const ctx = await createTestContext<AuditTables>(t, { createStream: false });

  await t.rejects(createRebuildTable(ctx.db, 'audit_log'), /Invalid rebuild table name/);
  await t.rejects(createRebuildTable(ctx.db, 'x; DROP TABLE audit_log'), /Invalid rebuild/);
});
