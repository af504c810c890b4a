// The event contract shared by every producer and consumer of the stream:
// the envelope schema and type, its validator, and the secret guard.
export * from './envelope.ts';
export * from './secrets.ts';
export * from './validate.ts';
export * from './create.ts';
