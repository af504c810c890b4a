// `npm run demo`: drives a realistic, seeded workload against the stack that
// `npm start` runs, checks that the audit log contains one row per event, and
// prints example audit queries.
// Usage: npm run demo -- [--seed N] [--sales-per-day N] [--products N] [--days N]
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@stock-audit/config';
import { connectJetStream } from '@stock-audit/jetstream';
import { HttpClient } from './lib/demo/client.ts';
import { NatsCommands } from './lib/demo/nats-commands.ts';
import { printExamples, waitForAuditLog } from './lib/demo/report.ts';
import { Workload } from './lib/demo/workload.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    days: { type: 'string', default: '7' },
    'sales-per-day': { type: 'string', default: '450' },
    products: { type: 'string', default: '300' },
    admins: { type: 'string', default: '3' },
    sellers: { type: 'string', default: '20' },
    registrations: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'root-password': { type: 'string' },
  },
});

function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`--${name} must be a non-negative integer (got "${value}")`);
    process.exit(2);
  }

  return number;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const rootPassword = values['root-password'] ?? config.rootPassword;
  if (!rootPassword) {
    console.error(
      'The demo logs in as root: set ROOT_PASSWORD or pass --root-password ' +
        '(the password stock-api printed on its first start).',
    );
    process.exit(2);
  }
  const stockUrl = `http://${config.host}:${config.stockPort}`;
  const auditUrl = `http://${config.host}:${config.auditPort}`;
  const nc = await connectJetStream(config.natsUrl);
  const nats = new NatsCommands(nc, config.subjectPrefix);
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

  try {
    const workload = new Workload({
      stockUrl,
      nats,
      rootUsername: config.rootUsername,
      rootPassword,
      seed: positiveInteger('seed', values.seed),
      admins: Math.max(1, positiveInteger('admins', values.admins)),
      sellers: Math.max(1, positiveInteger('sellers', values.sellers)),
      registrations: positiveInteger('registrations', values.registrations),
      products: Math.max(1, positiveInteger('products', values.products)),
      days: positiveInteger('days', values.days),
      salesPerDay: positiveInteger('sales-per-day', values['sales-per-day']),
      concurrency: Math.max(1, positiveInteger('concurrency', values.concurrency)),
      natsShare: 0.2,
      progress: log,
    });
    const result = await workload.run();
    log(`workload done: ${result.commands} commands in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    for (const [kind, count] of Object.entries(result.counts).sort())
      console.log(`  ${kind.padEnd(36)} ${count}`);

    const audit = new HttpClient(auditUrl);
    const root = await loginAs(stockUrl, config.rootUsername, rootPassword);
    log('waiting for the audit projector to catch up');
    const completeness = await waitForAuditLog(
      audit,
      root.token,
      await nc.jetstreamManager(),
      config.streamName,
      120_000,
      `http://${config.host}:${config.auditProjectorPort}/health`,
    );
    log(
      completeness.complete
        ? `audit log complete: ${completeness.auditRows} rows for ${completeness.streamEvents} events on the stream`
        : `audit log INCOMPLETE: ${completeness.auditRows} rows for ${completeness.streamEvents} events, ` +
            `${completeness.deadLetters} dead letters; ` +
            'run `npx tsx services/audit-projector/src/cli.ts status` and `... dead-letters list` to see why',
    );

    await printExamples(
      audit,
      auditUrl,
      root,
      result.admins[0]!,
      result.sellers[0]!,
      result.productIds[0]!,
      (line) => console.log(line),
    );
    if (!completeness.complete) process.exitCode = 1;
  } finally {
    nats.close();
    await nc.close();
  }
}

async function loginAs(stockUrl: string, username: string, password: string) {
  const response = await new HttpClient(stockUrl).request<{
    token: string;
    user: { id: string | number };
  }>('POST', '/api/login', { body: { username, password }, expect: [200] });

  return {
    id: String(response.body.user.id),
    username,
    password,
    role: 'root',
    token: response.body.token,
  };
}

try {
  await main();
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
