import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext } from '@stock-audit/testkit';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
}

function start(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(serviceRoot, 'src', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitForHealth(url: string): Promise<Response> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} never answered`);
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

t.test('both processes start, serve and stop on SIGTERM', async (t) => {
  const ctx = await createTestContext(t, { migrate: false, createStream: false });
  const keyDir = mkdtempSync(path.join(tmpdir(), 'stock-keys-'));
  t.teardown(() => rmSync(keyDir, { recursive: true, force: true }));
  const env = {
    ...ctx.env,
    STOCK_PORT: String(await freePort()),
    STATE_PROJECTOR_PORT: String(await freePort()),
    ROOT_PASSWORD: '',
    JWT_PRIVATE_KEY_FILE: path.join(keyDir, 'private.pem'),
    JWT_PUBLIC_KEY_FILE: path.join(keyDir, 'public.pem'),
    NO_PRETTY_LOGS: '1',
  };

  const api = start('main.ts', env);
  let stderr = '';
  api.stderr!.on('data', (chunk) => (stderr += chunk));
  const apiExit = exitCode(api);
  t.teardown(() => api.kill('SIGKILL'));
  const ready = await waitForHealth(`http://127.0.0.1:${env.STOCK_PORT}/ready`);
  const projector = start('state-projector-main.ts', env);
  const projectorExit = exitCode(projector);
  t.teardown(() => projector.kill('SIGKILL'));
  const projectorHealth = await waitForHealth(
    `http://127.0.0.1:${env.STATE_PROJECTOR_PORT}/health`,
  );

  t.equal(ready.status, 200);
  t.equal(projectorHealth.status, 200);
  const password = /created with password: (\S+)/.exec(stderr)?.[1];
  t.ok(password, 'generated root password printed');
  const login = await fetch(`http://127.0.0.1:${env.STOCK_PORT}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'root', password }),
  });
  t.equal(login.status, 200, 'root logs in with the printed password');
  const metrics = await fetch(`http://127.0.0.1:${env.STATE_PROJECTOR_PORT}/metrics`);
  t.match(await metrics.text(), /stock_state_projector_events_total/);

  api.kill('SIGTERM');
  projector.kill('SIGTERM');
  t.equal(await apiExit, 0, 'command API exits cleanly');
  t.equal(await projectorExit, 0, 'state projector exits cleanly');
});
