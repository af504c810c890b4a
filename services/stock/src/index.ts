// The command side of the stock audit platform: the command API factory,
// the state read model and its projector, and the root account bootstrap.
export { buildStockApp } from './app.ts';
export type { StockAppOptions } from './app.ts';
export type { StockDeps, CommandOptions } from './deps.ts';
export { DEFAULT_COMMAND_OPTIONS } from './deps.ts';
export { commandDefinitions, findCommand } from './commands/registry.ts';
export { executeCommand } from './commands/execute.ts';
export type { CommandReply } from './commands/idempotency.ts';
export { startCommandResponder, COMMAND_QUEUE } from './nats/responder.ts';
export { ensureRootAccount } from './auth/root-account.ts';
export { applyStateEvent } from './read-model/apply.ts';
export { rebuildStateModel, createStateTables, STATE_TABLES } from './read-model/rebuild.ts';
export {
  startStateProjector,
  ensureStateConsumer,
  STATE_PROJECTOR,
  DEFAULT_RETRY_DELAYS,
} from './projector/state-projector.ts';
export type { ProjectorStatus, StalledEvent } from './projector/state-projector.ts';
export { buildProjectorServer } from './projector/server.ts';
export { createProjectorMetrics } from './projector/metrics.ts';
export type { Notifier, PasswordResetNotice } from './notifier.ts';
export type { StockTables, StateTables } from './tables.ts';
