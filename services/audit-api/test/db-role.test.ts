import t from 'tap';
import { sql } from 'kysely';
import { seed, setupApp, actor, users } from './helpers.ts';

t.test('API role reads audit_log and nothing else', async (t) => {
  const { ctx, readerDb } = await setupApp(t);
  await seed(ctx, [
    {
      type: 'product.created',
      entity_type: 'product',
      entity_id: '1',
      action: 'create',
      actor: actor(users.alice),
      after: { name: 'Widget' },
    },
  ]);

  const rows = await sql<{ id: number }>`SELECT id FROM audit_log`.execute(readerDb);
  t.same(rows.rows, [{ id: 1 }]);

  const denied = [
    sql`INSERT INTO audit_log (id, event_id, event_type, schema_version, action, entity_type, description, "timestamp", status, subject)
        VALUES (99, gen_random_uuid(), 'x.y', 1, 'create', 'product', 'forged', now(), 'success', 's')`,
    sql`UPDATE audit_log SET description = 'forged'`,
    sql`DELETE FROM audit_log`,
    sql`TRUNCATE audit_log`,
    sql`SELECT * FROM audit_dead_letters`,
    sql`SELECT * FROM audit_projection_counts`,
    sql`SELECT * FROM audit_duplicate_events`,
    sql`SELECT * FROM projection_checkpoints`,
    sql`CREATE TABLE forged (id int)`,
  ];
  for (const statement of denied) {
    await t.rejects(
      statement.execute(readerDb),
      { code: '42501' },
      statement.compile(readerDb).sql.split('\n')[0]!,
    );
  }
  const after = await sql<{ description: string }>`SELECT description FROM audit_log`.execute(
    readerDb,
  );
  t.same(after.rows, [{ description: 'Created product 1: name: Widget' }], 'row unchanged');
});
