import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { JetStreamUnavailableError } from './errors.ts';

/**
 * Connects to `natsUrl` (comma-separated for a cluster) and checks that
 * JetStream answers, so a server started without `-js` fails here with a
 * clear error instead of on the first publish.
 */
export async function connectJetStream(
  natsUrl: string,
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  const nc = await connect({ servers: natsUrl.split(','), ...options });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 5000 });
    await jsm.getAccountInfo();
  } catch (error) {
    await nc.close();
    throw new JetStreamUnavailableError(natsUrl, error);
  }

  return nc;
}
