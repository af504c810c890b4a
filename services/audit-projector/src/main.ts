// Entry point of the audit projector process: consumes every event on the
// stream into audit_log until SIGINT or SIGTERM.
import pino from 'pino';
import { loadConfig } from '@stock-audit/config';
import { loggerOptions } from '@stock-audit/service-kit';
import { startAuditProjector } from './service.ts';
import { loadProjectorSettings } from './settings.ts';

let config: ReturnType<typeof loadConfig>;
let settings: ReturnType<typeof loadProjectorSettings>;
try {
  config = loadConfig();
  settings = loadProjectorSettings();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const logger = pino(loggerOptions('audit-projector', config.logLevel));

let running: Awaited<ReturnType<typeof startAuditProjector>>;
try {
  running = await startAuditProjector(config, settings, logger);
} catch (error) {
  logger.fatal({ err: error }, 'audit projector failed to start');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping audit projector');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'audit projector did not stop cleanly');
        process.exit(1);
      },
    );
  });
}
