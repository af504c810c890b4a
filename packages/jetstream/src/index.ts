// JetStream helpers: connection with a JetStream check, stream and durable
// consumer setup, and event appends with deduplication and optimistic concurrency.
export * from './errors.ts';
export * from './stream.ts';
export * from './publish.ts';
export * from './consumer.ts';
export * from './connect.ts';
export * from './subjects.ts';
