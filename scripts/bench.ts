// `npm run bench`: measures the hot paths on this machine's PostgreSQL and
// NATS, in a throwaway database and stream, and prints a markdown table for
// docs/benchmarks.md.
// Usage: npm run bench -- [--events N] [--concurrency N]
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { AuditTables } from '@stock-audit/audit-log';
import { withIsolatedContext } from './lib/bench/isolation.ts';
import { benchHttp } from './lib/bench/http.ts';
import { benchAppend, benchProjection } from './lib/bench/pipeline.ts';
import { startStack } from './lib/stack.ts';
import { formatRow, TABLE_HEADER } from './lib/bench/stats.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    operations: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const events = Number(values.events);
const operations = Number(values.operations);
const concurrency = Number(values.concurrency);
for (const [name, value] of Object.entries({ events, operations, concurrency })) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(
      `--${name} must be a positive integer (got "${values[name as keyof typeof values]}")`,
    );
    process.exit(2);
  }
}

console.log(
  `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
console.log(`events ${events}, HTTP operations ${operations}, concurrency ${concurrency}\n`);
console.log(TABLE_HEADER.join('\n'));

await withIsolatedContext<AuditTables, void>(async (ctx) => {
  console.log(
    formatRow(
      'append, 1 in flight, 1 entity',
      await benchAppend(ctx, Math.min(events, 2000), 1, 1),
    ),
  );
  console.log(
    formatRow(
      `append, ${concurrency} in flight, 1000 entities`,
      await benchAppend(ctx, events, 1000, concurrency),
    ),
  );
  console.log(
    formatRow(
      'audit projection, batches of 500 (latency per batch)',
      await benchProjection(ctx, 500),
    ),
  );
});

await withIsolatedContext<AuditTables, void>(
  async (ctx) => {
    const rootPassword = 'bench-root-password';
    const stack = await startStack(ctx.env, rootPassword);
    try {
      for (const { name, summary } of await benchHttp(
        stack,
        ctx.jsm,
        rootPassword,
        operations,
        concurrency,
      )) {
        console.log(formatRow(name, summary));
      }
    } finally {
      await stack.stop();
    }
  },
  { LOG_LEVEL: 'warn' },
);
