import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { bearer, publicKeyPem, setupApp, users } from './helpers.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();

  return typeof address === 'object' && address ? address.port : 0;
}

t.test('main serves on AUDIT_PORT and stops on SIGTERM', async (t) => {
  const { ctx } = await setupApp(t);
  const keyDir = mkdtempSync(path.join(tmpdir(), 'audit-api-key-'));
  t.teardown(() => rmSync(keyDir, { recursive: true, force: true }));
  const publicKeyFile = path.join(keyDir, 'public.pem');
  writeFileSync(publicKeyFile, publicKeyPem);
  const port = await freePort();

  const child = spawn(process.execPath, ['--import', 'tsx', 'services/audit-api/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...ctx.env,
      AUDIT_PORT: String(port),
      JWT_PUBLIC_KEY_FILE: publicKeyFile,
      LOG_LEVEL: 'info',
      NO_PRETTY_LOGS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  t.teardown(() => child.kill('SIGKILL'));

  let ready: Response | null = null;
  for (let attempt = 0; attempt < 100 && !ready; attempt++) {
    ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.equal(ready?.status, 200, output);
  const all = await fetch(`http://127.0.0.1:${port}/api/all`, { headers: bearer(users.root) });
  t.equal(all.status, 200);
  t.same(await all.json(), { total: 0, records: [], next_cursor: null });

  child.kill('SIGTERM');
  const [code] = await exited;
  t.equal(code, 0, 'clean exit');
  t.match(output, /"msg":"stopping audit API"/);
});
