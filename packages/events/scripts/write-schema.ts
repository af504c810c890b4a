// Writes the envelope JSON Schema to schema/event-envelope.schema.json so
// services in other languages can validate against the same contract.
import { writeFileSync } from 'node:fs';
import { EventEnvelopeSchema } from '../src/envelope.ts';

const target = new URL('../schema/event-envelope.schema.json', import.meta.url);
const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...EventEnvelopeSchema };
writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
