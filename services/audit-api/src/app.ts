// The audit query API as a Fastify app: JWT verification with the public
// key only, the audit routes, OpenAPI at /docs/json, health and metrics.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { sql, type Kysely } from 'kysely';
import type { TrustProxy } from '@stock-audit/config';
import type { AuditTables } from '@stock-audit/audit-log';
import { installErrorHandler, installHealthRoutes, registerJwt } from '@stock-audit/service-kit';
import type { AccountView } from './accounts.ts';
import { installMetrics } from './metrics.ts';
import { registerAuditRoutes } from './routes.ts';

export interface AuditAppDeps {
  /** A connection that may only read audit_log. */
  db: Kysely<AuditTables>;
  /** PEM public key of the token issuer; the API never signs tokens. */
  publicKey: string;
  /** Current status, role and credential change time of every user, from the stream. */
  accounts: AccountView;
  logger?: FastifyBaseLogger;
  trustProxy?: TrustProxy;
  /** Adds prom-client's process metrics; off in tests that build many apps. */
  processMetrics?: boolean;
}

export async function buildAuditApp(deps: AuditAppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Fastify accepts a hop count at run time although its types omit numbers.
    trustProxy: (deps.trustProxy ?? false) as boolean | string[],
    // Unknown query parameters are rejected, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } },
  });
  installErrorHandler(app);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Audit query API',
        version: '1.0.0',
        description: 'Read-only access to the audit log projected from the event stream.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await registerJwt(app, { publicKey: deps.publicKey });
  installMetrics(app, { defaults: deps.processMetrics });
  installHealthRoutes(app, {
    database: async () => {
      await sql`SELECT 1 FROM audit_log LIMIT 1`.execute(deps.db);
    },
    accounts: async () => {
      if (!deps.accounts.ready) throw new Error('user accounts are still loading from the stream');
    },
  });
  registerAuditRoutes(app, deps.db, deps.accounts);
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
