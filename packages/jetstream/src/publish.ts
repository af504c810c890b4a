import type {
  JetStreamClient,
  JetStreamManager,
  JetStreamPublishOptions,
  PubAck,
  StoredMsg,
} from 'nats';
import { encodeEvent, decodeEvent, type EventEnvelope } from '@stock-audit/events';
import { SequenceConflictError, isMessageNotFound, isWrongLastSequence } from './errors.ts';

export interface PublishOptions {
  /**
   * Stream sequence of the subject's last message as the caller read it; 0
   * means the subject must be empty. The append fails with
   * SequenceConflictError when another message was stored since.
   */
  expectedLastSubjectSequence?: number;
  /** Milliseconds to wait for the stream's acknowledgement. */
  timeoutMs?: number;
}

/**
 * Validates `event`, then appends it on `subject` with its id as Nats-Msg-Id,
 * so a retry within the duplicate window is stored once (`ack.duplicate`).
 */
export async function publishEvent(
  js: JetStreamClient,
  subject: string,
  event: EventEnvelope,
  options: PublishOptions = {},
): Promise<PubAck> {
  const publishOptions: Partial<JetStreamPublishOptions> = {
    msgID: event.id,
    timeout: options.timeoutMs ?? 5000,
  };
  if (options.expectedLastSubjectSequence !== undefined) {
    publishOptions.expect = { lastSubjectSequence: options.expectedLastSubjectSequence };
  }
  try {
    return await js.publish(subject, encodeEvent(event), publishOptions);
  } catch (error) {
    if (isWrongLastSequence(error)) {
      throw new SequenceConflictError(subject, options.expectedLastSubjectSequence ?? 0, error);
    }
    throw error;
  }
}

/** The last event stored on a subject with its stream sequence. */
export interface LastEvent {
  sequence: number;
  event: EventEnvelope;
}

/**
 * Reads the last message stored on `subject` by direct get, or returns null
 * when the subject has none. Requires `allow_direct` on the stream.
 */
export async function getLastEvent(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<LastEvent | null> {
  let message: StoredMsg;
  try {
    // nats.js 2.x implements `direct` on the manager but leaves it off the interface.
    const direct = (
      jsm as JetStreamManager & {
        direct: { getMessage: JetStreamManager['streams']['getMessage'] };
      }
    ).direct;
    message = await direct.getMessage(stream, { last_by_subj: subject });
  } catch (error) {
    if (isMessageNotFound(error)) return null;
    throw error;
  }

  return { sequence: message.seq, event: decodeEvent(message.data) };
}
