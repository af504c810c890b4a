// Library entry of the audit query API, for tests and other processes.
export { buildAuditApp } from './app.ts';
export type { AuditAppDeps } from './app.ts';
export { MAX_LIMIT, MAX_OFFSET, DEFAULT_LIMIT } from './limits.ts';
export { parseTimePoint, formatMicros } from './time.ts';
export { encodeCursor, decodeCursor } from './cursor.ts';
export { AccountView } from './accounts.ts';
export type { AccountState, AccountViewOptions } from './accounts.ts';
