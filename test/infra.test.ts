import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from '@stock-audit/config';
import { probeNats } from '../scripts/lib/infra.ts';
import { freePort } from '../scripts/lib/net.ts';

const script = path.join(repoRoot, 'scripts/infra.ts');

function runCheck(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, '--check-only'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

t.test('unreachable NATS gives the install message', async (t) => {
  const port = await freePort();
  const result = runCheck({ NATS_URL: `nats://127.0.0.1:${port}` });

  t.equal(result.status, 1);
  t.match(
    result.stderr,
    `NATS with JetStream is not available: no NATS server responds at nats://127.0.0.1:${port}`,
  );
  t.match(result.stderr, 'apt-get install nats-server');
  t.match(result.stderr, 'brew install nats-server');
  t.match(result.stderr, 'docker compose -f infra/docker-compose.yml up -d');
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

t.test('unreachable PostgreSQL gives the install message', async (t) => {
  const port = await freePort();
  const result = runCheck({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x` });

  t.equal(result.status, 1);
  t.match(result.stderr, 'PostgreSQL is not available');
  t.match(result.stderr, 'apt-get install postgresql');
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

t.test('malformed NATS_URL names the variable', async (t) => {
  const result = runCheck({ NATS_URL: 'http://127.0.0.1:4222' });

  t.equal(result.status, 1);
  t.match(result.stderr, /NATS_URL must be one or more comma-separated nats:\/\/ or tls:\/\/ URLs/);
});

t.test('reachable servers pass the check', async (t) => {
  const result = runCheck({});

  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, 'PostgreSQL: found; NATS with JetStream: found');
});

const hasNatsServer = spawnSync('sh', ['-c', 'command -v nats-server']).status === 0;

t.test(
  'NATS without JetStream is reported',
  { skip: !hasNatsServer && 'nats-server not on PATH' },
  async (t) => {
    const port = await freePort();
    const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    t.teardown(() => server.kill('SIGKILL'));
    let reason = await probeNats(`nats://127.0.0.1:${port}`);
    for (let attempt = 0; attempt < 40 && reason?.startsWith('no NATS server'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      reason = await probeNats(`nats://127.0.0.1:${port}`);
    }

    t.match(reason, 'JetStream is not enabled');
  },
);
