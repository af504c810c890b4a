import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Supervisor } from '../scripts/lib/supervisor.ts';

function scratchDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'supervisor-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  return dir;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(50);

  return check();
}

t.test('crashed service restarts with backoff', async (t) => {
  const dir = scratchDir(t);
  const entry = path.join(dir, 'crash.mjs');
  writeFileSync(entry, "console.log('up'); process.exit(3);\n");
  const lines: string[] = [];
  const logs: string[] = [];
  const supervisor = new Supervisor([{ name: 'crashy', entry }], {
    env: process.env,
    output: (line) => lines.push(line),
    log: (line) => logs.push(line),
    initialBackoffMs: 50,
    maxBackoffMs: 200,
  });

  supervisor.start();
  const restarted = await until(() => supervisor.restarts().crashy! >= 3);
  await supervisor.stop();

  t.ok(restarted, 'restarted at least three times');
  t.ok(lines.includes('crashy | up'), 'output carries the service name');
  t.match(logs[0], /crashy exited \(code 3\) after \d+ ms; restart 1 in 50 ms/);
  t.match(logs[1], /restart 2 in 100 ms/, 'backoff doubles');
});

t.test('stop ends running services', async (t) => {
  const dir = scratchDir(t);
  const entry = path.join(dir, 'serve.mjs');
  const marker = path.join(dir, 'stopped');
  writeFileSync(
    entry,
    `import { writeFileSync } from 'node:fs';
setInterval(() => {}, 1000);
console.log('ready');
process.on('SIGTERM', () => { writeFileSync(${JSON.stringify(marker)}, 'yes'); process.exit(0); });\n`,
  );
  const lines: string[] = [];
  const supervisor = new Supervisor([{ name: 'server', entry }], {
    env: process.env,
    output: (line) => lines.push(line),
    log: () => {},
  });

  supervisor.start();
  t.ok(await until(() => lines.length > 0), 'service started');
  await supervisor.stop();

  t.same(supervisor.restarts(), { server: 0 }, 'a requested stop is not a crash');
  const { existsSync } = await import('node:fs');
  t.ok(existsSync(marker), 'service received SIGTERM');
});

t.test('service ignoring SIGTERM is killed', async (t) => {
  const dir = scratchDir(t);
  const entry = path.join(dir, 'stubborn.mjs');
  writeFileSync(
    entry,
    "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');\n",
  );
  const logs: string[] = [];
  const lines: string[] = [];
  const supervisor = new Supervisor([{ name: 'stubborn', entry }], {
    env: process.env,
    output: (line) => lines.push(line),
    log: (line) => logs.push(line),
    stopTimeoutMs: 300,
  });

  supervisor.start();
  await until(() => lines.length > 0);
  await supervisor.stop();

  t.match(logs, [/stubborn did not stop in time; sending SIGKILL/]);
});
