// Benchmarks through the public HTTP APIs of a running stack: product
// updates and sales on the command API, then list and trail queries on the
// audit API once the projector has caught up.
import type { JetStreamManager } from 'nats';
import { HttpClient } from '../demo/client.ts';
import { waitForAuditLog } from '../demo/report.ts';
import type { RunningStack } from '../stack.ts';
import { timed, type Summary } from './stats.ts';

export interface HttpBenchResult {
  name: string;
  summary: Summary;
}

export async function benchHttp(
  stack: RunningStack,
  jsm: JetStreamManager,
  rootPassword: string,
  operations: number,
  concurrency: number,
): Promise<HttpBenchResult[]> {
  const stock = new HttpClient(stack.stockUrl);
  const audit = new HttpClient(stack.auditUrl);
  const login = await stock.request<{ token: string }>('POST', '/api/login', {
    body: { username: stack.config.rootUsername, password: rootPassword },
    expect: [200],
  });
  const token = login.body.token;
  const productCount = 200;
  const ids: number[] = [];
  const results: HttpBenchResult[] = [];

  results.push({
    name: `POST /api/products, ${concurrency} in flight`,
    summary: await timed(productCount, concurrency, async () => {
      const created = await stock.request<{ id: number }>('POST', '/api/products', {
        token,
        body: { name: 'bench item', price: '9.99', quantity: 1_000_000, min_quantity: 1 },
        expect: [201],
      });
      ids.push(created.body.id);
    }),
  });
  results.push({
    name: `PUT /api/products/:id, ${concurrency} in flight, ${productCount} products`,
    summary: await timed(operations, concurrency, async (index) => {
      await stock.request('PUT', `/api/products/${ids[index % ids.length]}`, {
        token,
        body: { price: ((index % 500) + 100).toFixed(2) },
        expect: [200],
      });
    }),
  });
  results.push({
    name: `POST /api/sales (2 items), ${concurrency} in flight`,
    summary: await timed(Math.floor(operations / 2), concurrency, async (index) => {
      await stock.request('POST', '/api/sales', {
        token,
        body: {
          items: [
            { product_id: ids[index % ids.length], quantity: 1 },
            { product_id: ids[(index + 1) % ids.length], quantity: 2 },
          ],
          payment_method: 'card',
        },
        expect: [201],
      });
    }),
  });

  const caughtUp = Date.now();
  const completeness = await waitForAuditLog(audit, token, jsm, stack.config.streamName, 300_000);
  results.push({
    name: `audit projection catch-up after the commands (${completeness.auditRows} rows)`,
    summary: {
      count: 1,
      seconds: (Date.now() - caughtUp) / 1000,
      perSecond: 0,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
    },
  });
  const queries: [string, string][] = [
    ['GET /api/all?limit=50', '/api/all?limit=50'],
    ['GET /api/all?action=update&limit=50', '/api/all?action=update&limit=50'],
    ['GET /api/entity/product/:id?limit=50', `/api/entity/product/${ids[0]}?limit=50`],
    ['GET /api/user/1?from=…&to=…', `/api/user/1?from=2000-01-01&to=2100-01-01&limit=50`],
  ];
  for (const [name, path] of queries) {
    results.push({
      name: `${name}, ${concurrency} in flight`,
      summary: await timed(Math.min(operations, 1000), concurrency, async () => {
        await audit.request('GET', path, { token, expect: [200] });
      }),
    });
  }

  return results;
}
