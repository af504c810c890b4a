import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';

/** Absolute path of the repository root; `.data/` and relative key paths resolve from here. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const Port = (fallback: string) =>
  Type.String({
    default: fallback,
    pattern: '^[0-9]{1,5}$',
    description: 'a TCP port, 1 to 65535',
  });

const EnvSchema = Type.Object({
  DATABASE_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/stock_audit',
    pattern: '^postgres(ql)?://[^/]+/[A-Za-z0-9_]+(\\?.*)?$',
    description: 'a URL such as postgres://user@host:5432/dbname',
  }),
  AUDIT_DATABASE_URL: Type.String({
    default: '',
    pattern: '^$|^postgres(ql)?://[^/]+/[A-Za-z0-9_]+(\\?.*)?$',
    description: 'a URL such as postgres://audit_reader@host:5432/dbname, or empty',
  }),
  AUDIT_DB_ROLE: Type.String({
    default: 'audit_reader',
    pattern: '^[a-z_][a-z0-9_]{0,62}$',
    description: 'a PostgreSQL role name of lowercase letters, digits and underscores',
  }),
  NATS_URL: Type.String({
    default: 'nats://127.0.0.1:4222',
    pattern: '^(nats|tls)://[^,\\s]+(,(nats|tls)://[^,\\s]+)*$',
    description: 'one or more comma-separated nats:// or tls:// URLs',
  }),
  STREAM_NAME: Type.String({
    default: 'STOCK_EVENTS',
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    description: 'letters, digits, "_" or "-"',
  }),
  SUBJECT_PREFIX: Type.String({
    default: 'stock',
    pattern: '^[a-z0-9_-]+$',
    description: 'one subject token of lowercase letters, digits, "_" or "-"',
  }),
  STREAM_REPLICAS: Type.String({
    default: '1',
    pattern: '^[1-5]$',
    description: 'an integer from 1 to 5',
  }),
  STOCK_PORT: Port('3000'),
  AUDIT_PORT: Port('3001'),
  AUDIT_PROJECTOR_PORT: Port('3002'),
  STATE_PROJECTOR_PORT: Port('3003'),
  HOST: Type.String({
    default: '127.0.0.1',
    minLength: 1,
    description: 'an IP address or host name',
  }),
  ROOT_USERNAME: Type.String({
    default: 'root',
    pattern: '^[A-Za-z0-9_.-]{3,64}$',
    description: '3 to 64 letters, digits, ".", "_" or "-"',
  }),
  ROOT_PASSWORD: Type.String({
    default: '',
    description: 'a password of at least 8 characters, or empty',
  }),
  DATA_DIR: Type.String({ default: '.data', minLength: 1, description: 'a directory path' }),
  JWT_PRIVATE_KEY_FILE: Type.String({
    default: '',
    description: 'a path to a PEM private key, or empty',
  }),
  JWT_PUBLIC_KEY_FILE: Type.String({
    default: '',
    description: 'a path to a PEM public key, or empty',
  }),
  JWT_EXPIRES_IN: Type.String({
    default: '1h',
    pattern: '^[1-9][0-9]*[smhd]$',
    description: 'a duration such as 15m, 1h or 7d',
  }),
  TRUST_PROXY: Type.String({
    default: 'off',
    description: 'off, true, a hop count, or comma-separated proxy IP addresses or CIDR ranges',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info', description: 'one of fatal, error, warn, info, debug, trace, silent' },
  ),
});

type Env = Static<typeof EnvSchema>;

/** Proxies allowed to set X-Forwarded-For, as Fastify's `trustProxy` option. */
export type TrustProxy = boolean | number | string[];

/** The validated, defaulted and frozen configuration. */
export interface Config {
  readonly databaseUrl: string;
  /** URL of the read-only role that the audit API connects with. */
  readonly auditDatabaseUrl: string;
  readonly auditDbRole: string;
  readonly natsUrl: string;
  readonly streamName: string;
  readonly subjectPrefix: string;
  readonly streamReplicas: number;
  readonly stockPort: number;
  readonly auditPort: number;
  /** Health and metrics port of the audit projector. */
  readonly auditProjectorPort: number;
  /** Health and metrics port of the state projector. */
  readonly stateProjectorPort: number;
  readonly host: string;
  readonly rootUsername: string;
  /** Empty when a random password is to be generated on first start. */
  readonly rootPassword: string;
  readonly dataDir: string;
  readonly jwtPrivateKeyFile: string;
  readonly jwtPublicKeyFile: string;
  readonly jwtExpiresIn: string;
  readonly trustProxy: TrustProxy;
  readonly logLevel: string;
}

/** Raised when one or more variables are malformed; `problems` names each variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateEnv = ajv.compile<Env>(EnvSchema);
const envKeys = Object.keys(EnvSchema.properties) as (keyof Env)[];

/**
 * Reads the configuration from `env` (default `process.env`), applies the
 * defaults and throws a ConfigError naming every malformed variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of envKeys) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value.trim();
  }

  const problems: string[] = [];
  if (!validateEnv(input)) {
    for (const error of validateEnv.errors ?? []) {
      const key = error.instancePath.replace(/^\//, '');
      const schema = EnvSchema.properties[key as keyof Env];
      problems.push(`${key} must be ${schema?.description ?? error.message} (got "${input[key]}")`);
    }
  }

  const stockPort = parsePort('STOCK_PORT', input.STOCK_PORT, problems);
  const auditPort = parsePort('AUDIT_PORT', input.AUDIT_PORT, problems);
  const auditProjectorPort = parsePort(
    'AUDIT_PROJECTOR_PORT',
    input.AUDIT_PROJECTOR_PORT,
    problems,
  );
  const stateProjectorPort = parsePort(
    'STATE_PROJECTOR_PORT',
    input.STATE_PROJECTOR_PORT,
    problems,
  );
  const trustProxy = parseTrustProxy(input.TRUST_PROXY ?? 'off', problems);
  if (input.ROOT_PASSWORD && input.ROOT_PASSWORD.length < 8) {
    problems.push('ROOT_PASSWORD must be at least 8 characters long, or unset to generate one');
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);

  const env2 = input as Env;
  const dataDir = path.resolve(repoRoot, env2.DATA_DIR);

  return Object.freeze({
    databaseUrl: env2.DATABASE_URL,
    auditDatabaseUrl: env2.AUDIT_DATABASE_URL || withUser(env2.DATABASE_URL, env2.AUDIT_DB_ROLE),
    auditDbRole: env2.AUDIT_DB_ROLE,
    natsUrl: env2.NATS_URL,
    streamName: env2.STREAM_NAME,
    subjectPrefix: env2.SUBJECT_PREFIX,
    streamReplicas: Number(env2.STREAM_REPLICAS),
    stockPort,
    auditPort,
    auditProjectorPort,
    stateProjectorPort,
    host: env2.HOST,
    rootUsername: env2.ROOT_USERNAME,
    rootPassword: env2.ROOT_PASSWORD,
    dataDir,
    jwtPrivateKeyFile: path.resolve(
      repoRoot,
      env2.JWT_PRIVATE_KEY_FILE || path.join(dataDir, 'jwt/private.pem'),
    ),
    jwtPublicKeyFile: path.resolve(
      repoRoot,
      env2.JWT_PUBLIC_KEY_FILE || path.join(dataDir, 'jwt/public.pem'),
    ),
    jwtExpiresIn: env2.JWT_EXPIRES_IN,
    trustProxy,
    logLevel: env2.LOG_LEVEL,
  });
}

function parsePort(name: string, value: string | undefined, problems: string[]): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`${name} must be a TCP port, 1 to 65535 (got "${value}")`);
  }

  return port;
}

function parseTrustProxy(value: string, problems: string[]): TrustProxy {
  const lower = value.toLowerCase();
  if (['off', 'false', 'no', '0'].includes(lower)) return false;
  if (['on', 'true', 'yes'].includes(lower)) return true;
  if (/^[1-9][0-9]?$/.test(value)) return Number(value);

  const entries = value.split(',').map((entry) => entry.trim());
  const invalid = entries.filter((entry) => !isAddressOrCidr(entry));
  if (invalid.length > 0) {
    problems.push(
      `TRUST_PROXY must be off, true, a hop count, or comma-separated proxy IP addresses or CIDR ranges (got "${value}")`,
    );
  }

  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  const width = Number(bits);

  return /^[0-9]+$/.test(bits) && width <= (version === 4 ? 32 : 128);
}

function withUser(databaseUrl: string, user: string): string {
  const url = new URL(databaseUrl);
  url.username = user;
  url.password = '';

  return url.toString();
}
