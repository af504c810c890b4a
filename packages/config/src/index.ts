// Process configuration: every environment variable of the platform, checked
// once against a schema at start, defaulted, then frozen.
export { loadConfig, ConfigError, repoRoot } from './load.ts';
export type { Config, TrustProxy } from './load.ts';
