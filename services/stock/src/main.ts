// The command API process: HTTP on HOST:STOCK_PORT and NATS responders on
// `cmd.<prefix>.>`. Creates the root account on first start.
import { ensureJwtKeyPair } from '@stock-audit/service-kit';
import { buildStockApp } from './app.ts';
import { ensureRootAccount } from './auth/root-account.ts';
import { loadConfigOrExit, prepareInfrastructure, stopOnSignals } from './lifecycle.ts';

const config = loadConfigOrExit();
const infrastructure = await prepareInfrastructure('stock', config);
const { log, db, nc } = infrastructure;

try {
  if (
    ensureJwtKeyPair({
      privateKeyFile: config.jwtPrivateKeyFile,
      publicKeyFile: config.jwtPublicKeyFile,
    })
  ) {
    log.info({ publicKeyFile: config.jwtPublicKeyFile }, 'JWT key pair created');
  }

  const app = await buildStockApp({ config, db, nc, logger: log, processMetrics: true });
  const root = await ensureRootAccount(app.stock);
  if (root.created)
    log.info({ user_id: root.userId, username: config.rootUsername }, 'root account created');
  if (root.generatedPassword) {
    // Printed once, outside the JSON log, because no other copy exists.
    process.stderr.write(
      `\nRoot account "${config.rootUsername}" created with password: ${root.generatedPassword}\n` +
        'Store it now; it is not shown again. Set ROOT_PASSWORD to choose one.\n\n',
    );
  }

  await app.listen({ host: config.host, port: config.stockPort });
  stopOnSignals(infrastructure, () => app.close());
} catch (error) {
  log.fatal({ err: error }, 'command API failed to start');
  await nc.close();
  await db.destroy();
  process.exit(1);
}
