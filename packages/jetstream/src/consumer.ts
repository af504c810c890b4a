import { AckPolicy, DeliverPolicy, nanos, type ConsumerInfo, type JetStreamManager } from 'nats';

export interface DurableConsumerSettings {
  stream: string;
  durableName: string;
  /** One subject filter, such as `stock.>`; nats-server 2.9 allows one per consumer. */
  filterSubject: string;
  /** Milliseconds before an unacknowledged message is delivered again. */
  ackWaitMs?: number;
  maxAckPending?: number;
  /** Deliveries after which the server stops redelivering a message; -1 for no limit. */
  maxDeliver?: number;
}

/**
 * Creates a durable pull consumer that starts at the first message and needs
 * an explicit ack for each, or updates its mutable settings when it exists.
 * Several processes may fetch from one durable consumer to share the work.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  settings: DurableConsumerSettings,
): Promise<ConsumerInfo> {
  const config = {
    durable_name: settings.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: settings.filterSubject,
    ack_wait: nanos(settings.ackWaitMs ?? 30_000),
    max_ack_pending: settings.maxAckPending ?? 10_000,
    max_deliver: settings.maxDeliver ?? -1,
  };
  try {
    await jsm.consumers.info(settings.stream, settings.durableName);
  } catch {
    return jsm.consumers.add(settings.stream, config);
  }

  return jsm.consumers.update(settings.stream, settings.durableName, {
    ack_wait: config.ack_wait,
    max_ack_pending: config.max_ack_pending,
    max_deliver: config.max_deliver,
  });
}
