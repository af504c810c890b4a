// Tuning of the audit projector, read from its own environment variables
// and checked once at start like the shared configuration.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';

const SettingsSchema = Type.Object({
  AUDIT_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 5000,
    default: 200,
    description: 'an integer from 1 to 5000 (messages fetched and stored per transaction)',
  }),
  AUDIT_ACK_WAIT_MS: Type.Integer({
    minimum: 1000,
    maximum: 600_000,
    default: 30_000,
    description: 'an integer from 1000 to 600000 (milliseconds before redelivery)',
  }),
});

export interface ProjectorSettings {
  batchSize: number;
  /** Also how long a crashed instance's in-flight batch waits before another takes it. */
  ackWaitMs: number;
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
const validate = ajv.compile<Static<typeof SettingsSchema>>(SettingsSchema);

/** Reads the settings from `env`; throws an error naming each invalid variable. */
export function loadProjectorSettings(env: NodeJS.ProcessEnv = process.env): ProjectorSettings {
  const input: Record<string, string> = {};
  for (const key of Object.keys(SettingsSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value.trim();
  }
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => {
      const key = error.instancePath.replace(/^\//, '') as keyof typeof SettingsSchema.properties;

      return `${key} must be ${SettingsSchema.properties[key]?.description} (got "${input[key]}")`;
    });
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const settings = input as unknown as Static<typeof SettingsSchema>;

  return { batchSize: settings.AUDIT_BATCH_SIZE, ackWaitMs: settings.AUDIT_ACK_WAIT_MS };
}
