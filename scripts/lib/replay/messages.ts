// Conversion of fetched JetStream messages to the projector's message shape,
// and the event id that verification compares on both sides.
import type { JsMsg } from 'nats';
import type { StreamMessage } from '@stock-audit/audit-log';

export function toStreamMessage(message: JsMsg): StreamMessage {
  return {
    sequence: message.seq,
    subject: message.subject,
    msgId: message.headers?.get('Nats-Msg-Id') || null,
    data: message.data,
  };
}

/**
 * Returns the `id` field of a stored payload, or "-" when the payload is not a JSON
 * object with a string id. Both sides of a verification derive it the same
 * way, from the stream's bytes and from a dead letter's stored bytes.
 */
export function payloadEventId(data: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as { id?: unknown };

    return typeof parsed?.id === 'string' ? parsed.id.toLowerCase() : '-';
  } catch {
    return '-';
  }
}
