// Building blocks both HTTP services share: coded errors and their handler,
// health and readiness routes, pino options, and JWT keys and checks.
export * from './errors.ts';
export * from './error-handler.ts';
export * from './health.ts';
export * from './logger.ts';
export * from './keys.ts';
export * from './auth.ts';
