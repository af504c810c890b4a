// Everything the command handlers need, passed in as one object so tests can
// build the service on their own database, stream and NATS connection.
import type { Kysely } from 'kysely';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '@stock-audit/config';
import { DEFAULT_DUPLICATE_WINDOW_MS } from '@stock-audit/jetstream';
import type { TokenService } from './auth/tokens.ts';
import type { ResetCodePolicy } from './auth/reset-codes.ts';
import type { CommandMetrics } from './metrics.ts';
import type { Notifier } from './notifier.ts';
import type { StockTables } from './tables.ts';

/** Tunable limits of the command handlers. */
export interface CommandOptions {
  /** Appends of one event tried before a concurrent-write conflict becomes a 409. */
  maxAppendAttempts: number;
  /** scrypt cost (N) of new password hashes. */
  passwordHashCost: number;
  resetCode: ResetCodePolicy;
  /**
   * Milliseconds an Idempotency-Key is remembered. It must not exceed the
   * stream's duplicate window, which deduplicates the derived event ids.
   */
  idempotencyWindowMs: number;
}

export const DEFAULT_COMMAND_OPTIONS: CommandOptions = {
  maxAppendAttempts: 50,
  passwordHashCost: 16_384,
  resetCode: { ttlMs: 15 * 60 * 1000, maxAttempts: 5, hashCost: 16_384 },
  idempotencyWindowMs: DEFAULT_DUPLICATE_WINDOW_MS,
};

export interface StockDeps {
  config: Config;
  db: Kysely<StockTables>;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  tokens: TokenService;
  notifier: Notifier;
  metrics: CommandMetrics;
  log: FastifyBaseLogger;
  options: CommandOptions;
}
