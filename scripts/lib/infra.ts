// Finds PostgreSQL and NATS with JetStream at the configured URLs, or starts
// private instances under the data directory when their binaries are on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { connect } from 'nats';
import type { Config } from '@stock-audit/config';
import { withDatabase } from '@stock-audit/db';

const HOW_TO_INSTALL = {
  postgres: [
    'the distribution package: apt-get install postgresql',
    'Homebrew: brew install postgresql@16',
    'Docker: docker compose -f infra/docker-compose.yml up -d',
  ],
  nats: [
    'the distribution package: apt-get install nats-server',
    'Homebrew: brew install nats-server',
    'Docker: docker compose -f infra/docker-compose.yml up -d',
  ],
};

/** Raised when a server is neither reachable nor startable; the message explains how to get it. */
export class InfrastructureError extends Error {
  readonly code = 'INFRASTRUCTURE_MISSING';

  constructor(
    readonly server: 'postgres' | 'nats',
    reason: string,
  ) {
    const name = server === 'postgres' ? 'PostgreSQL' : 'NATS with JetStream';
    super(
      `${name} is not available: ${reason}\n` +
        `Install or start it in one of three ways:\n  - ${HOW_TO_INSTALL[server].join('\n  - ')}`,
    );
    this.name = 'InfrastructureError';
  }
}

export interface InfraOptions {
  /** Start private servers under the data directory when none responds. */
  autostart: boolean;
  log?: (line: string) => void;
}

export interface InfraStatus {
  postgres: 'found' | 'started';
  nats: 'found' | 'started';
}

/** Checks both servers and starts what is missing when `autostart` allows. */
export async function ensureInfrastructure(
  config: Config,
  options: InfraOptions,
): Promise<InfraStatus> {
  const log = options.log ?? (() => {});

  return {
    postgres: await ensurePostgres(config, options.autostart, log),
    nats: await ensureNats(config, options.autostart, log),
  };
}

/** Returns null when PostgreSQL responds at the URL's server, else the reason. */
export async function probePostgres(databaseUrl: string): Promise<string | null> {
  const client = new pg.Client({
    connectionString: withDatabase(databaseUrl, 'postgres'),
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');

    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Returns null when NATS responds at the URL with JetStream enabled, else the reason. */
export async function probeNats(natsUrl: string): Promise<string | null> {
  let nc;
  try {
    nc = await connect({ servers: natsUrl.split(','), timeout: 3000, reconnect: false });
  } catch (error) {
    return `no NATS server responds at ${natsUrl} (${(error as Error).message})`;
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: 3000 });
    await jsm.getAccountInfo();

    return null;
  } catch {
    return `the NATS server at ${natsUrl} responds, but JetStream is not enabled (start it with -js)`;
  } finally {
    await nc.close();
  }
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

async function waitFor(
  probe: () => Promise<string | null>,
  timeoutMs: number,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let reason = await probe();
  while (reason !== null && Date.now() < deadline) {
    await sleep(250);
    reason = await probe();
  }

  return reason;
}

async function ensurePostgres(config: Config, autostart: boolean, log: (line: string) => void) {
  const reason = await probePostgres(config.databaseUrl);
  if (reason === null) return 'found' as const;
  if (!autostart)
    throw new InfrastructureError('postgres', `${reason} (at ${hostOf(config.databaseUrl)})`);
  if (!['initdb', 'pg_ctl'].every(onPath)) {
    throw new InfrastructureError('postgres', `${reason}, and initdb/pg_ctl are not on PATH`);
  }

  const url = new URL(config.databaseUrl);
  const dataDir = path.join(config.dataDir, 'postgres');
  log(`PostgreSQL not answering at ${url.host}; starting a private server in ${dataDir}`);
  startPrivatePostgres(dataDir, url.hostname, url.port || '5432', url.username || 'postgres');
  const after = await waitFor(() => probePostgres(config.databaseUrl), 30_000);
  if (after !== null)
    throw new InfrastructureError('postgres', `private server did not start: ${after}`);

  return 'started' as const;
}

// PostgreSQL refuses to run as root, so as root the private server runs as
// the `postgres` system user, which the distribution package creates.
function startPrivatePostgres(
  dataDir: string,
  host: string,
  port: string,
  superuser: string,
): void {
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new InfrastructureError(
        'postgres',
        `${command} failed: ${result.stderr || result.error?.message}`,
      );
    }
  };
  mkdirSync(dataDir, { recursive: true });
  if (asRoot) chownPostgres(dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    run('initdb', ['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8']);
  }
  run('pg_ctl', [
    '-D',
    dataDir,
    '-l',
    path.join(dataDir, 'server.log'),
    '-o',
    `-h ${host} -p ${port} -k ${dataDir}`,
    '-w',
    'start',
  ]);
}

function chownPostgres(dir: string): void {
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0)
    throw new InfrastructureError('postgres', 'running as root and no `postgres` user exists');
  chownSync(dir, Number(id.stdout), Number(gid.stdout));
}

async function ensureNats(config: Config, autostart: boolean, log: (line: string) => void) {
  const reason = await probeNats(config.natsUrl);
  if (reason === null) return 'found' as const;
  if (!autostart || reason.includes('JetStream is not enabled'))
    throw new InfrastructureError('nats', reason);
  if (!onPath('nats-server'))
    throw new InfrastructureError('nats', `${reason}, and nats-server is not on PATH`);

  const url = new URL(config.natsUrl.split(',')[0] as string);
  const storeDir = path.join(config.dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  log(`NATS not answering at ${url.host}; starting a private server with JetStream in ${storeDir}`);
  const logFile = openSync(path.join(storeDir, 'server.log'), 'a');
  const child = spawn(
    'nats-server',
    ['-a', url.hostname, '-p', url.port || '4222', '-js', '-sd', storeDir],
    { detached: true, stdio: ['ignore', logFile, logFile] },
  );
  child.unref();
  const after = await waitFor(() => probeNats(config.natsUrl), 15_000);
  if (after !== null)
    throw new InfrastructureError('nats', `private server did not start: ${after}`);

  return 'started' as const;
}

function hostOf(databaseUrl: string): string {
  return new URL(databaseUrl).host;
}
