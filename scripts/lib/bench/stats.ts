// Latency percentiles and a fixed-width result line for benchmark output.
export interface Summary {
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;

  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

/** Summarises per-operation latencies (milliseconds) over a wall-clock duration. */
export function summarise(latenciesMs: number[], seconds: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);

  return {
    count: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** Formats one markdown table row: name, count, seconds, rate, p50, p95, p99. */
export function formatRow(name: string, summary: Summary): string {
  const ms = (value: number) => (summary.p50Ms === 0 && value === 0 ? '—' : value.toFixed(2));

  return `| ${name} | ${summary.count} | ${summary.seconds.toFixed(2)} | ${summary.perSecond.toFixed(0)} | ${ms(summary.p50Ms)} | ${ms(summary.p95Ms)} | ${ms(summary.p99Ms)} |`;
}

export const TABLE_HEADER = [
  '| benchmark | operations | seconds | per second | p50 ms | p95 ms | p99 ms |',
  '|---|---|---|---|---|---|---|',
];

/** Runs `task(i)` for i in [0, total) with `concurrency` in flight, timing each call. */
export async function timed(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<Summary> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const start = performance.now();
      await task(index);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));

  return summarise(latencies, (performance.now() - started) / 1000);
}
