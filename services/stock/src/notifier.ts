// Out-of-band delivery of password reset codes. The default notifier
// publishes on a plain NATS subject (`notify.<prefix>.password_reset`), which
// lies outside the stream, so the code is never stored as an event. A mail or
// SMS gateway subscribes there.
import type { NatsConnection } from 'nats';
import { notifySubject } from '@stock-audit/jetstream';

export interface PasswordResetNotice {
  user_id: number;
  username: string;
  email: string;
  code: string;
  /** RFC 3339 UTC time after which the code is void. */
  expires_at: string;
}

export interface Notifier {
  sendPasswordResetCode(notice: PasswordResetNotice): Promise<void>;
}

export function natsNotifier(nc: NatsConnection, subjectPrefix: string): Notifier {
  const subject = notifySubject(subjectPrefix, 'password_reset');

  return {
    async sendPasswordResetCode(notice) {
      nc.publish(subject, JSON.stringify(notice));
      // Surfaces a broken connection here rather than losing the code silently.
      await nc.flush();
    },
  };
}
