// After the workload: waits until the audit log contains one row per stream
// event, then prints example audit queries with their answers.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamManager } from 'nats';
import type { HttpClient } from './client.ts';
import type { Account } from './workload.ts';

interface AuditRecord {
  id: number;
  username: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  description: string;
  timestamp: string;
  status: string;
}

export interface Completeness {
  streamEvents: number;
  auditRows: number;
  complete: boolean;
  /** Events the projector set aside as dead letters, from its /health. */
  deadLetters: number;
}

interface ProjectorHealth {
  projection?: { pending?: number; missing?: number; dead_letters?: number };
}

async function readProjectorHealth(url: string | undefined): Promise<ProjectorHealth | null> {
  if (!url) return null;
  try {
    return (await (await fetch(url)).json()) as ProjectorHealth;
  } catch {
    return null;
  }
}

/**
 * Polls until `audit_log` has as many rows as the stream has events, or
 * until the projector's /health (when `projectorHealthUrl` is given) reports
 * nothing is pending and nothing is missing, which happens when some events
 * went to dead letters; else until the timeout passes.
 */
export async function waitForAuditLog(
  audit: HttpClient,
  rootToken: string,
  jsm: JetStreamManager,
  streamName: string,
  timeoutMs: number,
  projectorHealthUrl?: string,
): Promise<Completeness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const streamEvents = (await jsm.streams.info(streamName)).state.messages;
    const { body } = await audit.request<{ total: number }>('GET', '/api/all?limit=1', {
      token: rootToken,
      expect: [200],
    });
    const complete = body.total === streamEvents;
    const health = await readProjectorHealth(projectorHealthUrl);
    const deadLetters = health?.projection?.dead_letters ?? 0;
    const settled =
      health?.projection?.pending === 0 && health.projection.missing === 0 && deadLetters > 0;
    if (complete || settled || Date.now() > deadline) {
      return { streamEvents, auditRows: body.total, complete, deadLetters };
    }
    await sleep(500);
  }
}

function formatRecord(record: AuditRecord): string {
  return `  ${record.timestamp}  ${(record.username ?? '—').padEnd(22)} ${record.action.padEnd(15)} ${record.status.padEnd(7)} ${record.description}`;
}

/** Prints one product's change trail, one seller's history and all failed logins. */
export async function printExamples(
  audit: HttpClient,
  auditUrl: string,
  root: Account,
  admin: Account,
  seller: Account,
  productId: string,
  print: (line: string) => void,
): Promise<void> {
  const trail = await audit.request<{ changes: AuditRecord[] }>(
    'GET',
    `/api/entity/product/${productId}?limit=8`,
    {
      token: admin.token,
      expect: [200],
    },
  );
  print(`\nChange trail of product ${productId} (first 8), as ${admin.username}:`);
  print(
    `  curl -H "Authorization: Bearer $TOKEN" '${auditUrl}/api/entity/product/${productId}?limit=8'`,
  );
  for (const change of trail.body.changes) print(formatRecord(change));

  const history = await audit.request<{ total: number; records: AuditRecord[] }>(
    'GET',
    `/api/user/${seller.id}?limit=8`,
    { token: seller.token, expect: [200] },
  );
  print(
    `\nHistory of seller ${seller.username} (newest ${history.body.records.length} of ${history.body.total}), as the seller:`,
  );
  print(`  curl -H "Authorization: Bearer $TOKEN" '${auditUrl}/api/user/${seller.id}?limit=8'`);
  for (const record of history.body.records) print(formatRecord(record));

  const failed = await audit.request<{ total: number; records: AuditRecord[] }>(
    'GET',
    '/api/all?action=login&status=error&limit=10',
    { token: root.token, expect: [200] },
  );
  print(`\nFailed logins of the simulated week (newest 10 of ${failed.body.total}), as root:`);
  print(
    `  curl -H "Authorization: Bearer $TOKEN" '${auditUrl}/api/all?action=login&status=error&limit=10'`,
  );
  for (const record of failed.body.records) print(formatRecord(record));
}
