// End to end: the whole stack as `npm start` runs it, on this test's own
// database, stream and ports, driven by a small seeded demo workload.
import { sql } from 'kysely';
import t from 'tap';
import type { AuditTables } from '@stock-audit/audit-log';
import { decodeEvent, type EventEnvelope } from '@stock-audit/events';
import { allEventsFilter } from '@stock-audit/jetstream';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
import { HttpClient } from '../../scripts/lib/demo/client.ts';
import { NatsCommands } from '../../scripts/lib/demo/nats-commands.ts';
import { waitForAuditLog } from '../../scripts/lib/demo/report.ts';
import { Workload } from '../../scripts/lib/demo/workload.ts';
import { rebuildAuditTable, verifyAndSwap } from '../../scripts/lib/replay/audit.ts';
import { lastSequence, readBatches } from '../../scripts/lib/replay/stream-reader.ts';
import { startStack } from '../../scripts/lib/stack.ts';

interface StoredEvent {
  sequence: number;
  subject: string;
  event: EventEnvelope;
}

async function readAllEvents(ctx: TestContext<AuditTables>): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const range = {
    stream: ctx.streamName,
    filterSubject: allEventsFilter(ctx.subjectPrefix),
    fromSequence: 1,
    toSequence: await lastSequence(ctx.jsm, ctx.streamName),
  };
  for await (const batch of readBatches(ctx.js, ctx.jsm, range)) {
    for (const message of batch) {
      events.push({
        sequence: message.seq,
        subject: message.subject,
        event: decodeEvent(message.data),
      });
    }
  }

  return events;
}

t.test('stack runs the demo workload end to end', async (t) => {
  const rootPassword = 'e2e-root-password';
  const ctx = await createTestContext<AuditTables>(t, { env: { LOG_LEVEL: 'warn' } });
  const stack = await startStack(ctx.env, rootPassword);
  t.teardown(() => stack.stop());
  const { config, stockUrl, auditUrl } = stack;

  const nats = new NatsCommands(ctx.nc, ctx.subjectPrefix);
  t.teardown(() => nats.close());
  const workload = new Workload({
    stockUrl,
    nats,
    rootUsername: config.rootUsername,
    rootPassword,
    seed: 7,
    admins: 2,
    sellers: 4,
    registrations: 3,
    products: 12,
    days: 1,
    salesPerDay: 40,
    concurrency: 4,
    natsShare: 0.3,
    progress: () => {},
  });
  const result = await workload.run();
  const audit = new HttpClient(auditUrl);
  const rootLogin = await new HttpClient(stockUrl).request<{ token: string }>(
    'POST',
    '/api/login',
    {
      body: { username: config.rootUsername, password: rootPassword },
      expect: [200],
    },
  );
  const completeness = await waitForAuditLog(
    audit,
    rootLogin.body.token,
    ctx.jsm,
    ctx.streamName,
    60_000,
  );

  t.test('every command produced exactly one event', async (t) => {
    const events = await readAllEvents(ctx);
    const rootEvents = events.filter(({ event }) => event.causation_id === null);
    const byCorrelation = new Map<string, number>();
    for (const { event } of rootEvents) {
      byCorrelation.set(
        String(event.correlation_id),
        (byCorrelation.get(String(event.correlation_id)) ?? 0) + 1,
      );
    }
    const wrong = result.correlationIds.filter((id) => byCorrelation.get(id) !== 1);

    t.same(wrong, [], 'each command correlation id has one root event');
    const sent = new Set(result.correlationIds);
    const others = rootEvents.filter(({ event }) => !sent.has(String(event.correlation_id)));
    t.equal(
      rootEvents.length - others.length,
      result.commands,
      'one root event per workload command',
    );
    t.same(
      others.map(({ event }) => event.type).sort(),
      ['user.created', 'user.logged_in'],
      'the only other root events: the root account creation and this test login',
    );
    const ids = new Set(events.map(({ event }) => event.id));
    const orphans = events.filter(
      ({ event }) => event.causation_id !== null && !ids.has(event.causation_id),
    );
    t.same(orphans, [], 'every caused event points at a stored event');
  });

  t.test('audit rows equal stream events', async (t) => {
    t.equal(completeness.complete, true);
    t.equal(completeness.auditRows, completeness.streamEvents);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(ctx.db);
    t.equal(rows.rows[0]?.n, completeness.streamEvents);
  });

  t.test('product trail reproduces its state step by step', async (t) => {
    const admin = result.admins[0]!;
    const productId = result.productIds[0]!;
    const changes: { action: string; status: string; old_value: unknown; new_value: unknown }[] =
      [];
    for (let offset = 0; ; offset += 100) {
      const page = await audit.request<{ changes: typeof changes }>(
        'GET',
        `/api/entity/product/${productId}?limit=100&offset=${offset}`,
        { token: admin.token, expect: [200] },
      );
      changes.push(...page.body.changes);
      if (page.body.changes.length < 100) break;
    }
    const successes = changes.filter((change) => change.status === 'success');
    t.ok(successes.length >= 2, `product ${productId} has a trail (${successes.length} changes)`);
    t.equal(successes[0]?.action, 'create');
    t.equal(successes[0]?.old_value, null);
    for (let i = 1; i < successes.length; i++) {
      t.same(
        successes[i]!.old_value,
        successes[i - 1]!.new_value,
        `change ${i} starts where change ${i - 1} ended`,
      );
    }
    const current = await new HttpClient(stockUrl).request('GET', `/api/products/${productId}`, {
      token: admin.token,
      expect: [200],
    });
    t.same(successes.at(-1)?.new_value, current.body, 'last change equals the current state');
  });

  t.test('replay gives identical rows while events arrive', async (t) => {
    const admin = result.admins[0]!;
    const deps = {
      db: ctx.db,
      nc: ctx.nc,
      streamName: ctx.streamName,
      subjectPrefix: ctx.subjectPrefix,
      auditDbRole: config.auditDbRole,
      log: () => {},
      batchSize: 50,
    };
    const client = new HttpClient(stockUrl);
    const arriving = (async () => {
      for (let i = 0; i < 20; i++) {
        await client.request(
          'PUT',
          `/api/products/${result.productIds[i % result.productIds.length]}`,
          {
            token: admin.token,
            body: { min_quantity: 100 + i },
            expect: [200],
          },
        );
      }
    })();
    const [rebuild] = await Promise.all([rebuildAuditTable(deps), arriving]);
    await waitForAuditLog(audit, rootLogin.body.token, ctx.jsm, ctx.streamName, 60_000);
    const before = await sql`SELECT * FROM audit_log ORDER BY id`.execute(ctx.db);

    const decision = await verifyAndSwap(deps, rebuild, { requireIdentical: true });

    t.equal(decision.swapped, true, decision.reason ?? 'swapped');
    t.equal(decision.comparison?.differing, 0, 'no row differs from the live table');
    const contentColumns = sql.raw(
      'id, event_id, event_type, user_id, username, action, entity_type, entity_id, description, "timestamp", status, error, old_value, new_value, ip_address',
    );
    const onlyOld = await sql<{ id: number }>`
      SELECT ${contentColumns} FROM ${sql.id(decision.retiredTable!)}
      EXCEPT SELECT ${contentColumns} FROM audit_log`.execute(ctx.db);
    t.same(onlyOld.rows, [], 'every old row is in the new table unchanged, ids included');
    const after = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(ctx.db);
    t.equal(
      (after.rows[0] as { n: number }).n,
      before.rows.length,
      'the events that arrived are in the new table',
    );
  });
});
