// NATS side of the demo: commands over request/reply, and the reset codes
// that the command service publishes on its notification subject.
import { randomUUID } from 'node:crypto';
import { JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { commandSubject, notifySubject } from '@stock-audit/jetstream';

const codec = JSONCodec<Record<string, unknown>>();

export interface NatsReply {
  status: number;
  body: Record<string, unknown>;
}

export class NatsCommands {
  private readonly codes = new Map<string, (code: string) => void>();
  private readonly subscription: Subscription;
  /** Commands sent, by correlation id; each should produce one root event. */
  readonly correlationIds: string[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
  ) {
    this.subscription = nc.subscribe(notifySubject(prefix, 'password_reset'));
    void this.collectCodes();
  }

  /** Sends `command` (such as `sale.create`) and returns the reply's status and body. */
  async request(command: string, token: string, body: unknown): Promise<NatsReply> {
    const correlationId = randomUUID();
    this.correlationIds.push(correlationId);
    const request = { token, body, correlation_id: correlationId };
    const reply = await this.nc.request(
      commandSubject(this.prefix, command),
      codec.encode(request),
      {
        timeout: 10_000,
      },
    );
    const decoded = codec.decode(reply.data) as {
      ok: boolean;
      status?: number;
      result?: Record<string, unknown>;
      error?: { statusCode: number };
    };

    return decoded.ok
      ? { status: decoded.status ?? 200, body: decoded.result ?? {} }
      : { status: decoded.error?.statusCode ?? 500, body: decoded.error ?? {} };
  }

  /** Resolves with the next reset code sent for `username` or user `userId`. */
  nextResetCode(username: string, userId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reset code for ${username} within 10 s`)),
        10_000,
      );
      const done = (code: string) => {
        clearTimeout(timer);
        this.codes.delete(username);
        this.codes.delete(userId);
        resolve(code);
      };
      this.codes.set(username, done);
      this.codes.set(userId, done);
    });
  }

  close(): void {
    this.subscription.unsubscribe();
  }

  private async collectCodes(): Promise<void> {
    for await (const message of this.subscription) {
      const notice = codec.decode(message.data) as {
        username?: string;
        user_id?: string | number;
        code?: string;
      };
      const waiting =
        this.codes.get(String(notice.username)) ?? this.codes.get(String(notice.user_id));
      if (waiting && notice.code) waiting(notice.code);
    }
  }
}
