// The audit read model shared by the projector, the query API and replay
// tools: table types, the description builder, the event-to-row mapping,
// batch projection into any audit table, and the rebuild swap.
export * from './schema.ts';
export * from './format.ts';
export * from './flatten.ts';
export * from './describe.ts';
export * from './identity.ts';
export * from './row.ts';
export * from './prepare.ts';
export * from './project.ts';
export * from './rebuild.ts';
