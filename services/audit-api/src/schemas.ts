// JSON Schemas of the query API's routes: Fastify validates requests and
// serializes responses with them, and /docs/json publishes them as OpenAPI.
import { ENTITY_TYPES } from '@stock-audit/events';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET } from './limits.ts';

const timeParameter = (bound: string) => ({
  type: 'string',
  maxLength: 64,
  description: `ISO 8601 date or date-time, inclusive ${bound} bound; a date-time without an offset is UTC${
    bound === 'upper'
      ? '; covers the whole of its last unit, so a date alone covers that whole day'
      : ''
  }`,
  examples: bound === 'upper' ? ['2024-05-31'] : ['2024-05-01T08:00:00+02:00'],
});

/** Parameters of every list: filters, then paging. */
export const listQueryProperties = {
  action: {
    type: 'string',
    pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$',
    description: 'action such as create, update or login; case-insensitive exact match',
  },
  from: timeParameter('lower'),
  to: timeParameter('upper'),
  entity_type: { type: 'string', enum: [...ENTITY_TYPES] },
  status: { type: 'string', enum: ['success', 'error'] },
  limit: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: `records per page, 1 to ${MAX_LIMIT}`,
  },
  offset: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_OFFSET,
    default: 0,
    description: `records to skip, at most ${MAX_OFFSET}; use cursor for deeper pages; not with cursor`,
  },
  cursor: {
    type: 'string',
    maxLength: 512,
    description: 'next_cursor of the previous page, to read the next one',
  },
} as const;

const userIdSchema = {
  type: 'string',
  pattern: '^[1-9][0-9]{0,18}$',
  description: 'user id, a positive integer',
};

export const userListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: listQueryProperties,
};

export const allListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...listQueryProperties, user_id: userIdSchema },
};

const { entity_type: _entityType, ...trailProperties } = listQueryProperties;
export const trailQuery = {
  type: 'object',
  additionalProperties: false,
  properties: trailProperties,
};

export const userParams = {
  type: 'object',
  required: ['userId'],
  properties: { userId: userIdSchema },
};

export const entityParams = {
  type: 'object',
  required: ['entityType', 'entityId'],
  properties: {
    entityType: { type: 'string', enum: [...ENTITY_TYPES] },
    entityId: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.:-]{1,128}$',
      description: 'entity id, such as 14',
    },
  },
};

const nullableString = { type: ['string', 'null'] };
const jsonObject = { type: ['object', 'null'], additionalProperties: true };
const nextCursor = {
  type: ['string', 'null'],
  description: 'pass as cursor to read the next page; null on the last page',
};

const record = {
  type: 'object',
  required: [
    'id',
    'user_id',
    'username',
    'action',
    'entity_type',
    'entity_id',
    'description',
    'timestamp',
    'status',
  ],
  properties: {
    id: { type: 'integer', description: 'stream sequence of the event' },
    user_id: nullableString,
    username: nullableString,
    action: { type: 'string' },
    entity_type: { type: 'string' },
    entity_id: nullableString,
    description: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time', description: 'UTC, when it happened' },
    status: { type: 'string', enum: ['success', 'error'] },
  },
};

export const listResponse = {
  type: 'object',
  required: ['total', 'records', 'next_cursor'],
  properties: {
    total: { type: 'integer', description: 'records matching the filters, on every page' },
    records: { type: 'array', items: record },
    next_cursor: nextCursor,
  },
};

const change = {
  type: 'object',
  required: [
    'user_id',
    'username',
    'action',
    'old_value',
    'new_value',
    'timestamp',
    'description',
    'status',
  ],
  properties: {
    user_id: nullableString,
    username: nullableString,
    action: { type: 'string' },
    old_value: jsonObject,
    new_value: jsonObject,
    timestamp: { type: 'string', format: 'date-time' },
    description: { type: 'string' },
    status: { type: 'string', enum: ['success', 'error'] },
  },
};

export const trailResponse = {
  type: 'object',
  required: ['entity_type', 'entity_id', 'changes', 'total', 'next_cursor'],
  properties: {
    entity_type: { type: 'string' },
    entity_id: { type: 'string' },
    changes: { type: 'array', items: change, description: 'oldest first' },
    total: { type: 'integer' },
    next_cursor: nextCursor,
  },
};

const errorBody = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
};

/** Error responses every audit route can return. */
export const errorResponses = { 400: errorBody, 401: errorBody, 403: errorBody };
