// Operator commands of the audit projector: completeness status, and the
// dead-letter table's list and redrive. Run with `npx tsx` from the repository root.
import { parseArgs } from 'node:util';
import { loadConfig } from '@stock-audit/config';
import { createDb } from '@stock-audit/db';
import { connectJetStream } from '@stock-audit/jetstream';
import { recountAuditLog, type AuditTables } from '@stock-audit/audit-log';
import { listDeadLetters, redriveDeadLetters } from './dead-letters.ts';
import { findProblems, formatProgress, readProgress } from './progress.ts';

const USAGE = `Usage: tsx services/audit-projector/src/cli.ts COMMAND

Commands:
  status [--recount]                 how far audit_log is projected and whether
                                     every stream message is accounted for;
                                     --recount first replaces the running counts
                                     with exact ones (a full count of audit_log)
  dead-letters list [--all] [--limit N]
                                     open dead letters (--all: redriven ones too),
                                     at most N (default 100)
  dead-letters redrive [--seq N]     project every open dead letter again, or only
                                     stream sequence N, with the current code

Exit status: 0 on success, 1 when status finds open dead letters or missing
messages or a redrive fails again, 2 on a usage error.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) fail(`${option} must be a positive integer (got "${value}")`);

  return Number(value);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        recount: { type: 'boolean' },
        all: { type: 'boolean' },
        limit: { type: 'string' },
        seq: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const command = positionals.join(' ');
const config = loadConfig();
const db = createDb<AuditTables>(config.databaseUrl, { max: 2 });
let exitCode = 0;
try {
  if (command === 'status') exitCode = await status(values.recount === true);
  else if (command === 'dead-letters list') await list();
  else if (command === 'dead-letters redrive') exitCode = await redrive();
  else fail(command ? `Unknown command "${command}"` : 'Missing command');
} finally {
  await db.destroy();
}
process.exit(exitCode);

async function status(recount: boolean): Promise<number> {
  if (recount) await recountAuditLog(db);
  const nc = await connectJetStream(config.natsUrl);
  try {
    const progress = await readProgress(db, await nc.jetstreamManager(), config.streamName);
    console.log(formatProgress(progress));
    const problems = findProblems(progress);
    for (const problem of problems) console.log(problem);

    return problems.length === 0 ? 0 : 1;
  } finally {
    await nc.close();
  }
}

async function list(): Promise<void> {
  const letters = await listDeadLetters(db, {
    all: values.all === true,
    limit: positiveInteger(values.limit, '--limit'),
  });
  if (letters.length === 0) {
    console.log(values.all ? 'no dead letters' : 'no open dead letters');
    return;
  }
  for (const letter of letters) {
    const state = letter.redrivenAt ? `redriven ${letter.redrivenAt.toISOString()}` : 'open';
    console.log(
      `seq ${letter.sequence}  ${letter.subject}  msg ${letter.msgId ?? '-'}  ${state}  attempts ${letter.attempts}  first seen ${letter.firstSeenAt.toISOString()}\n  ${letter.reason}`,
    );
  }
}

async function redrive(): Promise<number> {
  const sequence = positiveInteger(values.seq, '--seq');
  const result = await redriveDeadLetters(db, { sequence });
  if (sequence !== undefined && result.redriven.length + result.failed.length === 0) {
    console.error(`no open dead letter at stream sequence ${sequence}`);
    return 1;
  }
  console.log(`redriven: ${result.redriven.length}; still failing: ${result.failed.length}`);
  for (const { sequence: failed, reason } of result.failed) {
    console.log(`seq ${failed}: ${reason}`);
  }

  return result.failed.length === 0 ? 0 : 1;
}
