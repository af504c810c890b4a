// The three audit routes: a user's own actions, every record, and one
// entity's change trail, each behind a bearer token and a role check.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AuditTables } from '@stock-audit/audit-log';
import { forbidden, requireRole } from '@stock-audit/service-kit';
import type { AccountView } from './accounts.ts';
import { authenticateAccount } from './auth.ts';
import { parseListQuery, type ListQuery } from './query.ts';
import { findRecords } from './records.ts';
import {
  allListQuery,
  entityParams,
  errorResponses,
  listResponse,
  trailQuery,
  trailResponse,
  userListQuery,
  userParams,
} from './schemas.ts';
import { invalidParameter } from './validation.ts';

const security = [{ bearerAuth: [] }];

/**
 * Entity types whose rows make up an entity's trail. The approval and
 * rejection of a registration are stored as entity_type `application` with
 * the applicant's user id, and they change the user's state, so the user
 * trail includes them and old_value and new_value chain across them.
 */
const TRAIL_ENTITY_TYPES: Record<string, string[]> = { user: ['user', 'application'] };

/** Raises the 400 for a request whose query or path failed its schema. */
function checkValidation(request: FastifyRequest, allowed: string[]): void {
  const error = request.validationError as
    (Error & { validation?: []; validationContext?: string }) | undefined;
  if (!error) return;
  const input = (error.validationContext === 'params' ? request.params : request.query) as Record<
    string,
    unknown
  >;

  throw invalidParameter(error.validation ?? [], input, allowed);
}

export function registerAuditRoutes(
  app: FastifyInstance,
  db: Kysely<AuditTables>,
  accounts: AccountView,
): void {
  app.get<{ Params: { userId: string }; Querystring: ListQuery }>(
    '/api/user/:userId',
    {
      attachValidation: true,
      schema: {
        summary: "A user's actions, newest first (the user themself or root)",
        security,
        params: userParams,
        querystring: userListQuery,
        response: { 200: listResponse, ...errorResponses },
      },
      onRequest: async (request) => {
        const claims = await authenticateAccount(request, accounts);
        if (claims.role !== 'root' && claims.sub !== request.params.userId) {
          throw forbidden(`Only root may read the actions of another user`);
        }
      },
    },
    async (request) => {
      checkValidation(request, Object.keys(userListQuery.properties));
      const { filters, page } = parseListQuery(request.query, 'desc');
      filters.userId = request.params.userId;
      const result = await findRecords(db, filters, page);

      return { total: result.total, records: result.rows, next_cursor: result.nextCursor };
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/all',
    {
      attachValidation: true,
      schema: {
        summary: 'Every audit record, newest first (root only)',
        security,
        querystring: allListQuery,
        response: { 200: listResponse, ...errorResponses },
      },
      onRequest: async (request) => {
        requireRole(
          await authenticateAccount(request, accounts),
          ['root'],
          'read every audit record',
        );
      },
    },
    async (request) => {
      checkValidation(request, Object.keys(allListQuery.properties));
      const { filters, page } = parseListQuery(request.query, 'desc');
      const result = await findRecords(db, filters, page);

      return { total: result.total, records: result.rows, next_cursor: result.nextCursor };
    },
  );

  app.get<{ Params: { entityType: string; entityId: string }; Querystring: ListQuery }>(
    '/api/entity/:entityType/:entityId',
    {
      attachValidation: true,
      schema: {
        summary: "An entity's change trail, oldest first (admin or root)",
        security,
        params: entityParams,
        querystring: trailQuery,
        response: { 200: trailResponse, ...errorResponses },
      },
      onRequest: async (request) => {
        requireRole(
          await authenticateAccount(request, accounts),
          ['admin', 'root'],
          'read change trails',
        );
      },
    },
    async (request) => {
      checkValidation(request, Object.keys(trailQuery.properties));
      const { entityType, entityId } = request.params;
      const { filters, page } = parseListQuery(request.query, 'asc');
      filters.entityTypes = TRAIL_ENTITY_TYPES[entityType] ?? [entityType];
      filters.entityId = entityId;
      const result = await findRecords(db, filters, page, true);

      return {
        entity_type: entityType,
        entity_id: entityId,
        changes: result.rows,
        total: result.total,
        next_cursor: result.nextCursor,
      };
    },
  );
}
