import t from 'tap';
import pg from 'pg';
import { sql } from 'kysely';
import { listMigrations, migrateToLatest } from '@stock-audit/db';
import { createTestContext } from '@stock-audit/testkit';

t.test('migrations run on an empty database, then are a no-op', async (t) => {
  const ctx = await createTestContext(t, { migrate: false, createStream: false });
  const options = { auditDbRole: ctx.config.auditDbRole };

  const first = await migrateToLatest(ctx.config.databaseUrl, options);
  const second = await migrateToLatest(ctx.config.databaseUrl, options);
  const migrations = await listMigrations(ctx.config.databaseUrl, options);

  t.ok(first.length > 0, 'first run applies migrations');
  t.same(
    first,
    migrations.map((m) => m.name),
    'every migration applied in order',
  );
  t.same(second, [], 'second run applies nothing');
  t.ok(
    migrations.every((m) => m.executedAt instanceof Date),
    'every migration recorded',
  );
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`.execute(
    ctx.db,
  );
  t.ok(tables.rows.some((row) => row.name === 'projection_checkpoints'));
});

t.test('migrate creates a missing database', async (t) => {
  const ctx = await createTestContext(t, { migrate: false, createStream: false });
  const client = new pg.Client({ connectionString: ctx.config.databaseUrl });

  await t.rejects(client.connect(), { code: '3D000' }, 'database does not exist yet');
  await migrateToLatest(ctx.config.databaseUrl, { auditDbRole: ctx.config.auditDbRole });
  const created = new pg.Client({ connectionString: ctx.config.databaseUrl });
  await created.connect();
  t.teardown(() => created.end());

  t.equal((await created.query('SELECT 1 AS one')).rows[0].one, 1);
});
