import { NatsError } from 'nats';

/** JetStream API error code for a failed expected-last-subject-sequence check. */
const WRONG_LAST_SEQUENCE = 10071;
/** JetStream API error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

/**
 * Raised when an append's expected last subject sequence is stale: another
 * event for the same subject was stored first, so nothing was stored.
 */
export class SequenceConflictError extends Error {
  readonly code = 'SEQUENCE_CONFLICT';

  constructor(
    readonly subject: string,
    readonly expectedSequence: number,
    cause?: unknown,
  ) {
    super(`Subject ${subject} has moved past expected sequence ${expectedSequence}`, { cause });
    this.name = 'SequenceConflictError';
  }
}

/** Raised when JetStream is not enabled on the server that answered. */
export class JetStreamUnavailableError extends Error {
  readonly code = 'JETSTREAM_UNAVAILABLE';

  constructor(natsUrl: string, cause?: unknown) {
    super(`JetStream is not enabled on the NATS server at ${natsUrl}; start nats-server with -js`, {
      cause,
    });
    this.name = 'JetStreamUnavailableError';
  }
}

function apiErrorCode(error: unknown): number | undefined {
  return error instanceof NatsError ? error.api_error?.err_code : undefined;
}

export function isWrongLastSequence(error: unknown): boolean {
  return apiErrorCode(error) === WRONG_LAST_SEQUENCE;
}

export function isStreamNotFound(error: unknown): boolean {
  return apiErrorCode(error) === STREAM_NOT_FOUND;
}

/** True for a direct get that found no message on the subject. */
export function isMessageNotFound(error: unknown): boolean {
  return error instanceof NatsError && error.code === '404';
}
