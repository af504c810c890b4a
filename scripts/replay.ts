// `npm run replay -- audit|state`: rebuilds a read model from the stream into
// fresh tables while the services keep serving the live ones, verifies the
// result against the stream, shows what changed, then swaps it in.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '@stock-audit/config';
import type { AuditTables } from '@stock-audit/audit-log';
import { createDb } from '@stock-audit/db';
import { connectJetStream } from '@stock-audit/jetstream';
import type { StockTables } from '@stock-audit/stock';
import {
  STATE_REBUILD_SCHEMA,
  rebuildStateSchema,
  verifyAndSwapState,
  type StateSwapDecision,
} from './lib/replay/state.ts';
import {
  REBUILD_TABLE,
  rebuildAuditTable,
  verifyAndSwap,
  type SwapDecision,
} from './lib/replay/audit.ts';

const USAGE = `Usage: npm run replay -- <audit|state> [options]

  audit                 rebuild audit_log from every event on the stream
  state                 rebuild the state read model (products, sales, users, applications)

Options:
  --require-identical   refuse the swap when any rebuilt row differs from the live one
  --no-swap             rebuild and verify only; leave the live tables as they are
  --batch N             events per batch (default 500)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'require-identical': { type: 'boolean', default: false },
    'no-swap': { type: 'boolean', default: false },
    batch: { type: 'string', default: '500' },
    help: { type: 'boolean', default: false },
  },
});

function log(line: string): void {
  console.log(`replay | ${line}`);
}

function printDecision(decision: SwapDecision): void {
  const { verification, comparison } = decision;
  log(
    `verification: stream ${verification.stream.count} events (sha256 ${verification.stream.checksum.slice(0, 12)}), ` +
      `table ${verification.table.count} (sha256 ${verification.table.checksum.slice(0, 12)}) through sequence ${verification.highWater}`,
  );
  const { rows, deadLetters, duplicates } = verification.accountedAs;
  log(
    `accounted as ${rows} rows, ${deadLetters} open dead letters, ${duplicates} duplicate messages`,
  );
  if (deadLetters > 0) {
    log(
      'dead letters have no audit row: `npx tsx services/audit-projector/src/cli.ts dead-letters list` shows why',
    );
  }
  if (comparison) {
    log(`${comparison.differing} rows differ from the live table`);
    for (const example of comparison.examples) {
      if (!example.live) log(`  id ${example.id}: only in the rebuilt table`);
      else if (!example.rebuilt) log(`  id ${example.id}: only in the live table`);
      else {
        for (const column of example.columns) {
          log(
            `  id ${example.id} ${column}: ${JSON.stringify(example.live[column])} → ${JSON.stringify(example.rebuilt[column])}`,
          );
        }
      }
    }
  }
}

async function replayAudit(config: Config, batchSize: number): Promise<number> {
  const db = createDb<AuditTables>(config.databaseUrl, { max: 4 });
  const nc = await connectJetStream(config.natsUrl);
  try {
    const deps = {
      db,
      nc,
      streamName: config.streamName,
      subjectPrefix: config.subjectPrefix,
      auditDbRole: config.auditDbRole,
      log,
      batchSize,
    };
    const rebuild = await rebuildAuditTable(deps);
    log(
      `rebuilt ${rebuild.table} through stream sequence ${rebuild.highWater} (${rebuild.projected} events projected)`,
    );
    if (values['no-swap']) {
      log(`--no-swap: ${rebuild.table} is kept; run again without it to verify and swap`);

      return 0;
    }
    const decision = await verifyAndSwap(deps, rebuild, {
      requireIdentical: values['require-identical'] ?? false,
    });
    printDecision(decision);
    if (!decision.swapped) {
      log(
        `swap refused: ${decision.reason}. ${REBUILD_TABLE} is kept for inspection; drop it to start over.`,
      );

      return 1;
    }
    log(`swapped: audit_log is the rebuilt table; the old one is ${decision.retiredTable}`);
    log(
      `drop it when satisfied: psql "${config.databaseUrl}" -c 'DROP TABLE ${decision.retiredTable}'`,
    );

    return 0;
  } finally {
    await nc.close();
    await db.destroy();
  }
}

function printStateDecision(decision: StateSwapDecision): void {
  const { verification, comparison } = decision;
  log(
    `verification: stream has ${verification.stream.count} entities (sha256 ${verification.stream.checksum.slice(0, 12)}), ` +
      `tables ${verification.tables.count} (sha256 ${verification.tables.checksum.slice(0, 12)}) through sequence ${verification.highWater}`,
  );
  for (const problem of verification.problems) log(`  ${problem}`);
  if (comparison) {
    log(`${comparison.differing} rows differ from the live tables`);
    for (const example of comparison.examples) {
      log(
        `  ${example.table} ${example.key}: ${JSON.stringify(example.live)} → ${JSON.stringify(example.rebuilt)}`,
      );
    }
  }
}

async function replayState(config: Config, batchSize: number): Promise<number> {
  const db = createDb<StockTables>(config.databaseUrl, { max: 4 });
  const nc = await connectJetStream(config.natsUrl);
  try {
    const deps = {
      db,
      nc,
      streamName: config.streamName,
      subjectPrefix: config.subjectPrefix,
      log,
      batchSize,
    };
    const rebuild = await rebuildStateSchema(deps);
    log(
      `rebuilt schema ${rebuild.schema} through stream sequence ${rebuild.highWater} ` +
        `(${rebuild.applied} events applied, ${rebuild.invalid.length} invalid skipped)`,
    );
    if (values['no-swap']) {
      log(`--no-swap: schema ${rebuild.schema} is kept; run again without it to verify and swap`);

      return 0;
    }
    const decision = await verifyAndSwapState(deps, rebuild, {
      requireIdentical: values['require-identical'] ?? false,
    });
    printStateDecision(decision);
    if (!decision.swapped) {
      log(
        `swap refused: ${decision.reason}. Schema ${STATE_REBUILD_SCHEMA} is kept for inspection.`,
      );

      return 1;
    }
    log(
      `swapped: the state tables are the rebuilt ones; the old ones are in schema ${decision.retiredSchema}`,
    );
    log(
      `drop it when satisfied: psql "${config.databaseUrl}" -c 'DROP SCHEMA ${decision.retiredSchema} CASCADE'`,
    );

    return 0;
  } finally {
    await nc.close();
    await db.destroy();
  }
}

async function main(): Promise<number> {
  const target = positionals[0];
  if (values.help || !target) {
    console.log(USAGE);

    return values.help ? 0 : 2;
  }
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error(`--batch must be an integer from 1 to 10000 (got "${values.batch}")`);

    return 2;
  }
  const config = loadConfig();
  if (target === 'audit') return replayAudit(config, batchSize);
  if (target === 'state') return replayState(config, batchSize);
  console.error(`Unknown replay target "${target}"; use audit or state.\n\n${USAGE}`);

  return 2;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `replay failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
