// Library entry of the audit projector, for tests, the CLI and replay tools.
export { AuditProjector, DURABLE_NAME, backoffMs } from './projector.ts';
export { startAuditProjector } from './service.ts';
export type { RunningProjector, StartOptions } from './service.ts';
export { readProgress, formatProgress, findProblems } from './progress.ts';
export type { Progress } from './progress.ts';
export { listDeadLetters, redriveDeadLetters } from './dead-letters.ts';
export { createProjectorMetrics } from './metrics.ts';
export { loadProjectorSettings } from './settings.ts';
export { projectBatch, toAuditRow, prepareBatch } from '@stock-audit/audit-log';
