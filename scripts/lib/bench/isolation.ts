// A throwaway database and stream for one benchmark run, removed afterwards.
import { createTestContext, type TestContext } from '@stock-audit/testkit';

export async function withIsolatedContext<Tables, T>(
  run: (ctx: TestContext<Tables>) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const teardowns: (() => unknown)[] = [];
  try {
    const ctx = await createTestContext<Tables>({ teardown: (fn) => teardowns.push(fn) }, { env });

    return await run(ctx);
  } finally {
    for (const teardown of teardowns.reverse()) await teardown();
  }
}
