// Decoding and mapping of one fetched batch, before any database work:
// each message becomes an audit row or a rejection with its reason.
import { decodeEvent, type EventEnvelope } from '@stock-audit/events';
import { toAuditRow } from './row.ts';
import type { NewAuditRow } from './schema.ts';

/** One stream message as the projector received it. */
export interface StreamMessage {
  sequence: number;
  subject: string;
  /** Nats-Msg-Id header, when the publisher set one. */
  msgId: string | null;
  data: Uint8Array;
}

/** A message that cannot become an audit row, and why. */
export interface Rejection {
  message: StreamMessage;
  reason: string;
}

/** Maps an event to its row; the projector's default is toAuditRow. */
export type RowMapper = (event: EventEnvelope, sequence: number, subject: string) => NewAuditRow;

export interface PreparedBatch {
  rows: NewAuditRow[];
  /** The message each row came from, by stream sequence. */
  sources: Map<number, StreamMessage>;
  rejections: Rejection[];
}

/**
 * Decodes and maps every message. A message that fails validation or whose
 * row cannot be built becomes a rejection; the others are unaffected.
 */
export function prepareBatch(
  messages: readonly StreamMessage[],
  toRow: RowMapper = toAuditRow,
): PreparedBatch {
  const rows: NewAuditRow[] = [];
  const sources = new Map<number, StreamMessage>();
  const rejections: Rejection[] = [];
  for (const message of messages) {
    let event: EventEnvelope;
    try {
      event = decodeEvent(message.data);
    } catch (error) {
      rejections.push({ message, reason: (error as Error).message });
      continue;
    }
    try {
      rows.push(toRow(event, message.sequence, message.subject));
      sources.set(message.sequence, message);
    } catch (error) {
      rejections.push({
        message,
        reason: `Cannot build the audit row: ${(error as Error).message}`,
      });
    }
  }

  return { rows, sources, rejections };
}
