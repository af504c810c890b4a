// In-memory view of every user's current status, role and credential change
// time, folded from the users' state subjects on the stream. The audit API's
// database role may read only audit_log, so the stream is its source for
// deciding whether a token's user may still act.
import type { FastifyBaseLogger } from 'fastify';
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg } from 'nats';
import { decodeEvent } from '@stock-audit/events';
import { stateSubject } from '@stock-audit/jetstream';

/** The fields of a user's current state that decide whether its tokens are accepted. */
export interface AccountState {
  status: string;
  role: string;
  /** Milliseconds since the epoch; NaN when the state lacks a valid time. */
  credentialsChangedAt: number;
}

export interface AccountViewOptions {
  stream: string;
  subjectPrefix: string;
  logger: FastifyBaseLogger;
}

/**
 * Consumes `<prefix>.state.user.>` through an ordered consumer that starts
 * with the last message of each user subject and then follows new ones.
 * `ready` turns true once the messages pending at start are applied.
 */
export class AccountView {
  private readonly accounts = new Map<string, AccountState>();
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private loaded = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: AccountViewOptions,
  ) {}

  get ready(): boolean {
    return this.loaded;
  }

  find(userId: string): AccountState | undefined {
    return this.accounts.get(userId);
  }

  /** Creates the consumer and starts applying messages; resolves before the load finishes. */
  async start(): Promise<void> {
    // nats-server 2.9 allows one filter subject per consumer, passed as a string.
    const consumer = await this.js.consumers.get(this.options.stream, {
      filterSubjects: stateSubject(this.options.subjectPrefix, 'user', '>'),
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    this.messages = await consumer.consume();
    // The cached info is the consumer's state at creation, before any delivery.
    const info = await consumer.info(true);
    if (info.num_pending === 0) this.markLoaded(0);

    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) {
        this.apply(message);
        if (!this.loaded && message.info.pending === 0) this.markLoaded(this.accounts.size);
      }
    })().catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'user account view stopped consuming');
    });
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
  }

  private markLoaded(count: number): void {
    this.loaded = true;
    this.options.logger.info({ users: count }, 'user account view loaded');
  }

  private apply(message: JsMsg): void {
    const sequence = message.info.streamSequence;
    let event;
    try {
      event = decodeEvent(message.data);
    } catch (error) {
      this.options.logger.error(
        { err: error, stream_sequence: sequence, subject: message.subject },
        'skipped an invalid event in the user account view',
      );
      return;
    }

    const userId = message.subject.slice(message.subject.lastIndexOf('.') + 1);
    const after = event.after;
    if (!after) {
      this.accounts.delete(userId);
      return;
    }
    this.accounts.set(userId, {
      status: String(after.status),
      role: String(after.role),
      credentialsChangedAt: Date.parse(String(after.credentials_changed_at)),
    });
    this.options.logger.debug(
      {
        event_id: event.id,
        correlation_id: event.correlation_id,
        stream_sequence: sequence,
        user_id: userId,
      },
      'applied a user state to the account view',
    );
  }
}
