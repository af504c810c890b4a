// Shared pieces of the projector tests: events, publishing, waiting, and
// the projector started in this process or as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createEvent, type EventEnvelope } from '@stock-audit/events';
import { publishEvent, stateSubject } from '@stock-audit/jetstream';
import type { AuditTables, RowMapper } from '@stock-audit/audit-log';
import type { TestContext } from '@stock-audit/testkit';
import { startAuditProjector, type RunningProjector } from '../src/index.ts';

export type AuditContext = TestContext<AuditTables>;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function productEvent(id: number, name = `Product ${id}`): EventEnvelope {
  return createEvent({
    type: 'product.created',
    entity_type: 'product',
    entity_id: String(id),
    action: 'create',
    actor: { id: '1', username: 'root', role: 'root' },
    after: { id, name, price: '10.00', quantity: 5 },
    correlation_id: `corr-${id}`,
  });
}

/** Publishes `count` product events, 100 at a time; returns them in order. */
export async function publishProducts(
  ctx: AuditContext,
  count: number,
  firstId = 1,
): Promise<EventEnvelope[]> {
  const events = Array.from({ length: count }, (_, i) => productEvent(firstId + i));
  for (let start = 0; start < events.length; start += 100) {
    await Promise.all(
      events
        .slice(start, start + 100)
        .map((event) =>
          publishEvent(ctx.js, stateSubject(ctx.subjectPrefix, 'product', event.entity_id!), event),
        ),
    );
  }

  return events;
}

export async function countRows(ctx: AuditContext): Promise<number> {
  const { count } = await ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();

  return Number(count);
}

/** Polls `check` every 50 ms until it returns true, or throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  description: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a projector in this process on any free port; stopped on teardown. */
export async function startInProcess(
  t: { teardown(fn: () => unknown): void },
  ctx: AuditContext,
  options: { toRow?: RowMapper; ackWaitMs?: number; batchSize?: number } = {},
): Promise<RunningProjector> {
  const projector = await startAuditProjector(
    ctx.config,
    { batchSize: options.batchSize ?? 50, ackWaitMs: options.ackWaitMs ?? 30_000 },
    pino({ level: 'silent' }),
    { port: 0, toRow: options.toRow },
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await projector.stop();
  };
  t.teardown(stop);

  return { port: projector.port, stop };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();

  return typeof address === 'object' && address ? address.port : 0;
}

/** Runs a TypeScript entry point of this repository as a child process. */
export function spawnScript(script: string, env: Record<string, string>, args: string[] = []) {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_PRETTY_LOGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and exit code. */
export async function runToEnd(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');

  return { code, stdout, stderr };
}
