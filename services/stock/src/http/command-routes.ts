// One Fastify route per command or query definition. Fastify validates the
// input against the definition's schemas but only records the problem
// (attachValidation), so the pipeline can audit it as a 400 after
// authenticating and authorizing the caller.
import type { FastifyInstance } from 'fastify';
import type { StockDeps } from '../deps.ts';
import { executeCommand } from '../commands/execute.ts';
import type { CommandDefinition } from '../commands/types.ts';
import { bearerToken, correlationId, idempotencyKey, inputProblem } from './request-context.ts';

export function registerCommandRoutes(
  app: FastifyInstance,
  deps: StockDeps,
  definitions: readonly CommandDefinition[],
): void {
  for (const definition of definitions) {
    const description =
      definition.kind === 'command'
        ? `NATS subject: cmd.<prefix>.${definition.name}. Every outcome is an event on the stream.` +
          (definition.idempotent ? ' Honours an Idempotency-Key header.' : '')
        : `NATS subject: cmd.<prefix>.${definition.name}. A read of the state read model.`;
    app.route({
      method: definition.method,
      url: definition.url,
      attachValidation: true,
      schema: {
        summary: definition.summary,
        description,
        tags: [definition.entityType],
        ...(definition.body ? { body: definition.body } : {}),
        ...(definition.params ? { params: definition.params } : {}),
        ...(definition.querystring ? { querystring: definition.querystring } : {}),
        ...(definition.access === 'anonymous' ? {} : { security: [{ bearerAuth: [] }] }),
      },
      handler: async (request, reply) => {
        const correlation = correlationId(request);
        const outcome = await executeCommand(deps, definition, {
          body: request.body,
          params: request.params as Record<string, unknown>,
          query: request.query as Record<string, unknown>,
          token: bearerToken(request),
          idempotencyKey: idempotencyKey(request),
          clientIp: request.ip ?? null,
          correlationId: correlation,
          validation: { problem: inputProblem(request) },
          log: request.log,
        });

        reply.header('x-correlation-id', correlation);
        if (outcome.replayed) reply.header('idempotent-replayed', 'true');

        return reply.status(outcome.statusCode).send(outcome.body);
      },
    });
  }
}
