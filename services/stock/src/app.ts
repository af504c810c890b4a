// Builds the command API: Fastify with the command routes, OpenAPI at
// /docs/json, /health, /ready and /metrics, plus the NATS command responder,
// all on injected configuration, database and NATS connection. The caller
// owns those and closes them after `app.close()`.
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { NatsConnection } from 'nats';
import type { Config } from '@stock-audit/config';
import {
  installErrorHandler,
  installHealthRoutes,
  loggerOptions,
  readPem,
  registerJwt,
} from '@stock-audit/service-kit';
import { jwtTokenService } from './auth/tokens.ts';
import { deleteExpiredIdempotencyRecords } from './commands/idempotency.ts';
import { commandDefinitions } from './commands/registry.ts';
import { AJV_OPTIONS } from './commands/validation.ts';
import { DEFAULT_COMMAND_OPTIONS, type CommandOptions, type StockDeps } from './deps.ts';
import { registerCommandRoutes } from './http/command-routes.ts';
import { installLenientJsonParser } from './http/request-context.ts';
import { createCommandMetrics } from './metrics.ts';
import { startCommandResponder, type CommandResponder } from './nats/responder.ts';
import { natsNotifier, type Notifier } from './notifier.ts';
import type { StockTables } from './tables.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The dependencies the command handlers run with. */
    stock: StockDeps;
  }
}

export interface StockAppOptions {
  config: Config;
  db: Kysely<StockTables>;
  nc: NatsConnection;
  /** PEM keys; read from config.jwtPrivateKeyFile and jwtPublicKeyFile when absent. */
  keys?: { privateKey: string; publicKey: string };
  /** Reset code delivery; publishes on NATS `notify.<prefix>.password_reset` when absent. */
  notifier?: Notifier;
  commandOptions?: Partial<CommandOptions>;
  /** A pino logger to use instead of one built from config.logLevel. */
  logger?: FastifyBaseLogger;
  /** Serve commands over NATS too (default true); the subscription opens on `ready`. */
  natsResponder?: boolean;
  /** Add Node.js process metrics to /metrics (default false). */
  processMetrics?: boolean;
}

const MIGRATION = '0002_state';

export async function buildStockApp(options: StockAppOptions): Promise<FastifyInstance> {
  const { config, db, nc } = options;
  const serverOptions = {
    // Fastify also accepts a hop count at run time; its type declarations omit numbers.
    trustProxy: config.trustProxy as boolean | string[],
    genReqId: () => randomUUID(),
    ajv: { customOptions: AJV_OPTIONS },
  };
  const app = (options.logger
    ? Fastify({ ...serverOptions, loggerInstance: options.logger })
    : Fastify({
        ...serverOptions,
        logger: loggerOptions('stock', config.logLevel),
      })) as unknown as FastifyInstance;

  const keys = options.keys ?? {
    privateKey: readPem(config.jwtPrivateKeyFile, 'private'),
    publicKey: readPem(config.jwtPublicKeyFile, 'public'),
  };
  await registerJwt(app, { ...keys, expiresIn: config.jwtExpiresIn });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Stock command API',
        description:
          'Commands on products, sales, users and registrations; every outcome is an event',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  installErrorHandler(app);
  installLenientJsonParser(app);

  const metrics = createCommandMetrics({ defaultMetrics: options.processMetrics });
  const deps: StockDeps = {
    config,
    db,
    nc,
    js: nc.jetstream(),
    jsm: await nc.jetstreamManager(),
    tokens: jwtTokenService(app),
    notifier: options.notifier ?? natsNotifier(nc, config.subjectPrefix),
    metrics,
    log: app.log,
    options: { ...DEFAULT_COMMAND_OPTIONS, ...options.commandOptions },
  };
  app.decorate('stock', deps);

  registerCommandRoutes(app, deps, commandDefinitions);
  installHealthRoutes(app, {
    database: async () => {
      const applied = await sql`SELECT 1 FROM kysely_migration WHERE name = ${MIGRATION}`.execute(
        db,
      );
      if (applied.rows.length === 0) throw new Error(`migration ${MIGRATION} is not applied`);
    },
    nats: async () => {
      if (nc.isClosed()) throw new Error('NATS connection is closed');
      await nc.flush();
    },
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  installBackgroundWork(app, deps, options.natsResponder !== false);

  return app;
}

/** Starts the NATS responder and the idempotency cleanup on ready; stops both on close. */
function installBackgroundWork(app: FastifyInstance, deps: StockDeps, natsResponder: boolean) {
  let responder: CommandResponder | undefined;
  let cleanup: NodeJS.Timeout | undefined;

  app.addHook('onReady', async () => {
    if (natsResponder) responder = startCommandResponder(deps, commandDefinitions);
    cleanup = setInterval(() => {
      deleteExpiredIdempotencyRecords(deps.db, deps.options.idempotencyWindowMs).catch((error) =>
        deps.log.warn({ err: error }, 'expired idempotency records could not be deleted'),
      );
    }, 60_000);
    cleanup.unref();
  });
  app.addHook('preClose', async () => {
    clearInterval(cleanup);
    await responder?.stop();
  });
}
