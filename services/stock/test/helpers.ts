// Test harness of the command API: a built app on the test's own database,
// stream and subject prefix, a root login, and readers of the stream.
/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Test } from 'tap';
import type { EventEnvelope } from '@stock-audit/events';
import { decodeEvent } from '@stock-audit/events';
import { createTestContext, type TestContext } from '@stock-audit/testkit';
import { buildStockApp, ensureRootAccount } from '../src/index.ts';
import type { CommandOptions } from '../src/deps.ts';
import type { PasswordResetNotice } from '../src/notifier.ts';
import type { StockTables } from '../src/tables.ts';

export const ROOT_PASSWORD = 'root-password-for-tests';

/** Cheap hashing keeps the suite fast; production uses scrypt N=16384. */
export const FAST_OPTIONS: Partial<CommandOptions> = {
  passwordHashCost: 1024,
  resetCode: { ttlMs: 15 * 60 * 1000, maxAttempts: 3, hashCost: 1024 },
};

export interface StoredEvent {
  sequence: number;
  subject: string;
  event: EventEnvelope;
}

export interface Harness {
  ctx: TestContext<StockTables>;
  app: FastifyInstance;
  rootToken: string;
  notices: PasswordResetNotice[];
  keys: { privateKey: string; publicKey: string };
  /** Sends a request with an optional bearer token; returns status and parsed body. */
  call(
    method: InjectOptions['method'],
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Every event in the stream, oldest first. */
  events(): Promise<StoredEvent[]>;
  /** Events stored after `sequence`. */
  eventsAfter(sequence: number): Promise<StoredEvent[]>;
  lastSequence(): Promise<number>;
  login(username: string, password: string): Promise<string>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  commandOptions?: Partial<CommandOptions>;
}

export function generateKeys() {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/** Builds another app instance on an existing test context, as a second process would. */
export async function buildApp(
  t: Test,
  ctx: TestContext<StockTables>,
  keys: { privateKey: string; publicKey: string },
  notices: PasswordResetNotice[] = [],
  commandOptions: Partial<CommandOptions> = {},
): Promise<FastifyInstance> {
  const app = await buildStockApp({
    config: ctx.config,
    db: ctx.db,
    nc: ctx.nc,
    keys,
    notifier: {
      sendPasswordResetCode: async (notice) => {
        notices.push(notice);
      },
    },
    commandOptions: { ...FAST_OPTIONS, ...commandOptions },
  });
  t.teardown(() => app.close());
  await app.ready();

  return app;
}

export async function startStock(t: Test, options: HarnessOptions = {}): Promise<Harness> {
  const ctx = await createTestContext<StockTables>(t, {
    env: { ROOT_PASSWORD, ...options.env },
  });
  const keys = generateKeys();
  const notices: PasswordResetNotice[] = [];
  const app = await buildApp(t, ctx, keys, notices, options.commandOptions);
  await ensureRootAccount(app.stock);

  const call: Harness['call'] = async (method, url, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    const response = await app.inject({
      method,
      url,
      headers,
      ...(callOptions.body === undefined ? {} : { payload: callOptions.body as object }),
    });
    const text = response.body;

    return {
      status: response.statusCode,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  };

  const lastSequence = async () => (await ctx.jsm.streams.info(ctx.streamName)).state.last_seq;
  const eventsAfter = async (sequence: number) => {
    const last = await lastSequence();
    const stored: StoredEvent[] = [];
    for (let seq = sequence + 1; seq <= last; seq++) {
      const message = await ctx.jsm.streams.getMessage(ctx.streamName, { seq });
      stored.push({ sequence: seq, subject: message.subject, event: decodeEvent(message.data) });
    }

    return stored;
  };
  const login = async (username: string, password: string) => {
    const response = await call('POST', '/api/login', { body: { username, password } });
    if (response.status !== 200) {
      throw new Error(`login of ${username} failed: ${JSON.stringify(response.body)}`);
    }

    return response.body.token as string;
  };
  const rootToken = await login(ctx.config.rootUsername, ROOT_PASSWORD);

  return {
    ctx,
    app,
    rootToken,
    notices,
    keys,
    call,
    events: () => eventsAfter(0),
    eventsAfter,
    lastSequence,
    login,
  };
}

/** Creates a user through the API as root and returns its id and token. */
export async function createUser(
  harness: Harness,
  role: 'admin' | 'seller' | 'root',
  username: string,
): Promise<{ id: number; token: string; password: string }> {
  const password = `${username}-password`;
  const response = await harness.call('POST', '/api/users', {
    token: harness.rootToken,
    body: { username, email: `${username}@example.com`, password, role },
  });
  if (response.status !== 201) {
    throw new Error(`creating ${username} failed: ${JSON.stringify(response.body)}`);
  }

  return { id: response.body.id, token: await harness.login(username, password), password };
}

/** Creates a product as root and returns it. */
export async function createProduct(
  harness: Harness,
  fields: Partial<{
    name: string;
    price: string | number;
    quantity: number;
    min_quantity: number;
  }> = {},
): Promise<any> {
  const response = await harness.call('POST', '/api/products', {
    token: harness.rootToken,
    body: { name: 'Widget', price: '12.50', quantity: 10, min_quantity: 2, ...fields },
  });
  if (response.status !== 201) {
    throw new Error(`creating a product failed: ${JSON.stringify(response.body)}`);
  }

  return response.body;
}
