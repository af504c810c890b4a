// `npm run cluster-trial`: starts a three-node NATS cluster on loopback
// ports, creates an R3 stream with the platform's settings, checks
// deduplication, optimistic appends and direct get, stops the stream
// leader, checks that appends continue on the new leader, then removes
// everything. Needs nats-server on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent } from '@stock-audit/events';
import {
  SequenceConflictError,
  connectJetStream,
  ensureStream,
  getLastEvent,
  publishEvent,
  stateSubject,
} from '@stock-audit/jetstream';
import { freePort } from './lib/net.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'nats-cluster-'));
const nodes: { name: string; clientPort: number; routePort: number; process?: ChildProcess }[] = [];
for (const name of ['n1', 'n2', 'n3'])
  nodes.push({ name, clientPort: await freePort(), routePort: await freePort() });
const routes = nodes.map((node) => `nats-route://127.0.0.1:${node.routePort}`).join(', ');
const url = nodes.map((node) => `nats://127.0.0.1:${node.clientPort}`).join(',');

function check(condition: boolean, what: string): void {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) process.exitCode = 1;
}

function productEvent(before: Record<string, unknown> | null, quantity: number) {
  return createEvent({
    type: 'product.updated',
    entity_type: 'product',
    entity_id: '1',
    action: 'update',
    before,
    after: { id: 1, quantity },
  });
}

try {
  for (const node of nodes) {
    const config = path.join(dir, `${node.name}.conf`);
    writeFileSync(
      config,
      `server_name: ${node.name}\nlisten: 127.0.0.1:${node.clientPort}\n` +
        `jetstream { store_dir: ${path.join(dir, node.name)} }\n` +
        `cluster { name: trial, listen: 127.0.0.1:${node.routePort}, routes: [${routes}] }\n`,
    );
    node.process = spawn('nats-server', ['-c', config], { stdio: 'ignore' });
  }
  console.log(`three nodes on ${url}`);

  // The cluster needs a few seconds to elect a meta leader.
  let connected: Awaited<ReturnType<typeof connectJetStream>> | null = null;
  for (let attempt = 0; attempt < 30 && !connected; attempt++) {
    await sleep(500);
    connected = await connectJetStream(url).catch(() => null);
  }
  if (!connected) throw new Error('the cluster did not offer JetStream within 15 s');
  const nc = connected;
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();

  const info = await ensureStream(jsm, { name: 'TRIAL', subjectPrefix: 'trial', replicas: 3 });
  check(info.config.num_replicas === 3, `stream has 3 replicas (leader ${info.cluster?.leader})`);

  const subject = stateSubject('trial', 'product', 1);
  const first = productEvent(null, 1);
  const ack = await publishEvent(js, subject, first, { expectedLastSubjectSequence: 0 });
  check((await publishEvent(js, subject, first)).duplicate, 'a retried publish is stored once');
  const stale = await publishEvent(js, subject, productEvent(null, 9), {
    expectedLastSubjectSequence: 0,
  }).catch((error: unknown) => error);
  check(stale instanceof SequenceConflictError, 'a stale expected sequence is rejected');
  check(
    (await getLastEvent(jsm, 'TRIAL', subject))?.sequence === ack.seq,
    'direct get returns the last event',
  );

  const leader = nodes.find((node) => node.name === info.cluster?.leader);
  leader?.process?.kill('SIGKILL');
  console.log(`stopped the stream leader ${leader?.name}`);
  let appended = false;
  for (let attempt = 0; attempt < 30 && !appended; attempt++) {
    const last = await getLastEvent(jsm, 'TRIAL', subject).catch(() => null);
    appended = await publishEvent(js, subject, productEvent(last?.event.after ?? null, 2), {
      expectedLastSubjectSequence: last?.sequence ?? 0,
    })
      .then(() => true)
      .catch(() => false);
    if (!appended) await sleep(500);
  }
  check(appended, 'appends continue after the leader is lost');
  const after = await jsm.streams.info('TRIAL');
  check(
    after.state.messages === 2,
    `no acknowledged event lost (${after.state.messages} events, leader ${after.cluster?.leader})`,
  );
  await nc.close();
} catch (error) {
  console.error(`cluster trial failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const node of nodes) node.process?.kill('SIGKILL');
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}
