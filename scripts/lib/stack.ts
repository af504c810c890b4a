// Starts the whole stack as `npm start` does, on a given configuration
// environment and free ports: used by the end-to-end test and benchmarks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '@stock-audit/config';
import { bootstrap } from './bootstrap.ts';
import { freePort, waitForHealth } from './net.ts';
import { SERVICES } from './services.ts';
import { Supervisor } from './supervisor.ts';

export interface RunningStack {
  config: Config;
  stockUrl: string;
  auditUrl: string;
  /** Every line the services and the supervisor printed. */
  output: string[];
  stop(): Promise<void>;
}

/**
 * Bootstraps and starts the four services with `env` (database, stream and
 * prefix) plus free ports and a temporary data directory, and waits until
 * each responds to /health. Throws, after stopping them, when one does not.
 */
export async function startStack(
  env: Record<string, string>,
  rootPassword: string,
): Promise<RunningStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-audit-stack-'));
  const fullEnv: Record<string, string> = {
    ...env,
    STOCK_PORT: String(await freePort()),
    AUDIT_PORT: String(await freePort()),
    AUDIT_PROJECTOR_PORT: String(await freePort()),
    STATE_PROJECTOR_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    ROOT_PASSWORD: rootPassword,
  };
  const config = loadConfig({ ...process.env, ...fullEnv });
  await bootstrap(config, () => {});

  const output: string[] = [];
  const supervisor = new Supervisor(SERVICES, {
    env: { ...process.env, ...fullEnv, PRETTY_LOGS: '0' },
    output: (line) => output.push(line),
    log: (line) => output.push(`supervisor | ${line}`),
  });
  supervisor.start();
  const stop = async () => {
    await supervisor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://${config.host}`;
  const healthy = await Promise.all(
    [config.stockPort, config.auditPort, config.auditProjectorPort, config.stateProjectorPort].map(
      (port) => waitForHealth(`${base}:${port}/health`),
    ),
  );
  if (!healthy.every(Boolean)) {
    await stop();
    throw new Error(
      `a service did not respond to /health within 60 s:\n${output.slice(-30).join('\n')}`,
    );
  }

  return {
    config,
    stockUrl: `${base}:${config.stockPort}`,
    auditUrl: `${base}:${config.auditPort}`,
    output,
    stop,
  };
}
