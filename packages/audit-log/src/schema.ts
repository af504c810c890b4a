// Kysely types of the audit read model: audit_log, its dead letters and
// duplicates, and the projector's running counts.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CoreTables } from '@stock-audit/db';

/** A JSON object column: written as a JSON string, read back parsed. */
type JsonObject = ColumnType<Record<string, unknown> | null, string | null, never>;

/** One audit record; `id` is the stream sequence of the event it came from. */
export interface AuditLogTable {
  id: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  user_id: string | null;
  username: string | null;
  user_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  description: string;
  /** The event's occurred_at, stored with microsecond precision. */
  timestamp: ColumnType<Date, string, never>;
  status: 'success' | 'error';
  error: JsonObject;
  old_value: JsonObject;
  new_value: JsonObject;
  ip_address: string | null;
  subject: string;
  correlation_id: string | null;
  causation_id: string | null;
  projected_at: Generated<Date>;
}

/** A stream message the projector could not turn into an audit row. */
export interface AuditDeadLettersTable {
  stream_sequence: number;
  subject: string;
  msg_id: string | null;
  /** The message payload exactly as stored on the stream. */
  data: Uint8Array;
  reason: string;
  attempts: Generated<number>;
  first_seen_at: Generated<Date>;
  last_failed_at: Generated<Date>;
  /** Set when a later attempt stored the row. */
  redriven_at: Date | null;
}

/** A stream message whose event id already has a row under another sequence. */
export interface AuditDuplicateEventsTable {
  stream_sequence: number;
  event_id: string;
  original_sequence: number;
  seen_at: Generated<Date>;
}

/** Counts kept per projection (table name) in the same transaction as its rows. */
export interface AuditProjectionCountsTable {
  projection: string;
  rows: Generated<number>;
  duplicates: Generated<number>;
  open_dead_letters: Generated<number>;
  updated_at: Generated<Date>;
}

export interface AuditTables extends CoreTables {
  audit_log: AuditLogTable;
  audit_dead_letters: AuditDeadLettersTable;
  audit_duplicate_events: AuditDuplicateEventsTable;
  audit_projection_counts: AuditProjectionCountsTable;
}

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
export type DeadLetter = Selectable<AuditDeadLettersTable>;

/** Name of the live audit table, and of its checkpoint and counts. */
export const AUDIT_TABLE = 'audit_log';
