import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import { isStreamNotFound } from './errors.ts';

/** Stream identity: tests give each run its own name and subject prefix. */
export interface StreamSettings {
  name: string;
  subjectPrefix: string;
  replicas?: number;
  /** How long a Nats-Msg-Id is remembered for deduplication, in milliseconds. */
  duplicateWindowMs?: number;
}

/** Default duplicate window: two minutes, so a retried publish within it is stored once. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** Returns the full stream configuration for `settings`: file storage, no expiry, direct get on. */
export function streamConfig(settings: StreamSettings): Partial<StreamConfig> & { name: string } {
  return {
    name: settings.name,
    subjects: [`${settings.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    num_replicas: settings.replicas ?? 1,
    duplicate_window: nanos(settings.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    allow_direct: true,
    deny_delete: true,
    deny_purge: false,
  };
}

/**
 * Creates the stream, or updates it to `settings` when it exists. Running it
 * again with the same settings changes nothing. Storage type and name cannot
 * change on an existing stream; the server rejects such an update.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  settings: StreamSettings,
): Promise<StreamInfo> {
  const config = streamConfig(settings);
  try {
    await jsm.streams.info(settings.name);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;

    return jsm.streams.add(config);
  }

  return jsm.streams.update(settings.name, config);
}
