// `npm start`: brings up or finds PostgreSQL and NATS, prepares the schema,
// keys and stream, then supervises the four services until Ctrl-C or SIGTERM.
import { ConfigError, loadConfig, type Config } from '@stock-audit/config';
import { bootstrap } from './lib/bootstrap.ts';
import { InfrastructureError } from './lib/infra.ts';
import { waitForHealth } from './lib/net.ts';
import { SERVICES } from './lib/services.ts';
import { Supervisor } from './lib/supervisor.ts';

const log = (line: string) => console.log(`supervisor | ${line}`);

function printBanner(config: Config): void {
  const stock = `http://${config.host}:${config.stockPort}`;
  const audit = `http://${config.host}:${config.auditPort}`;
  // Double quotes around the body, so the shell expands $ROOT_PASSWORD.
  const password = config.rootPassword ? '$ROOT_PASSWORD' : 'PASSWORD-PRINTED-BY-STOCK-API';
  console.log(
    [
      '',
      `  command API   ${stock}       OpenAPI ${stock}/docs/json`,
      `  audit API     ${audit}       OpenAPI ${audit}/docs/json`,
      `  projectors    http://${config.host}:${config.auditProjectorPort}/health (audit), ` +
        `http://${config.host}:${config.stateProjectorPort}/health (state)`,
      '',
      `  log in as root:`,
      `    curl -s -X POST ${stock}/api/login -H 'content-type: application/json' \\`,
      `      -d "{\\"username\\":\\"${config.rootUsername}\\",\\"password\\":\\"${password}\\"}"`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    await bootstrap(config, log);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InfrastructureError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const supervisor = new Supervisor(SERVICES, {
    env: {
      ...process.env,
      PRETTY_LOGS: process.env.PRETTY_LOGS ?? (process.stdout.isTTY ? '1' : '0'),
    },
    output: (line) => console.log(line),
    log,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received; stopping services`);
    await supervisor.stop();
    log('all services stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  supervisor.start();
  const healthy = await Promise.all([
    waitForHealth(`http://${config.host}:${config.stockPort}/health`, 60_000),
    waitForHealth(`http://${config.host}:${config.auditPort}/health`, 60_000),
  ]);
  if (!stopping) {
    if (healthy.every(Boolean)) printBanner(config);
    else log('a service did not answer /health within 60 s; see its log lines above');
  }
}

await main();
