import t from 'tap';
import { startStock } from './helpers.ts';

async function createWithForwardedFor(harness: Awaited<ReturnType<typeof startStock>>) {
  const before = await harness.lastSequence();
  await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'Widget', price: '1.00', quantity: 1, min_quantity: 0 },
    headers: { 'x-forwarded-for': '203.0.113.7' },
  });
  const [stored] = await harness.eventsAfter(before);

  return stored!.event.client_ip;
}

t.test('X-Forwarded-For is ignored without a trusted proxy', async (t) => {
  const harness = await startStock(t);

  t.equal(await createWithForwardedFor(harness), '127.0.0.1', 'socket address recorded');
});

t.test('X-Forwarded-For is used from a trusted proxy', async (t) => {
  const harness = await startStock(t, { env: { TRUST_PROXY: '127.0.0.1' } });

  t.equal(await createWithForwardedFor(harness), '203.0.113.7');
});

t.test('X-Forwarded-For is ignored from an untrusted proxy', async (t) => {
  const harness = await startStock(t, { env: { TRUST_PROXY: '10.0.0.1' } });

  t.equal(await createWithForwardedFor(harness), '127.0.0.1');
});
