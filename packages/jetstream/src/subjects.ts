/**
 * Returns the subject of one entity's state-changing events, so the last
 * message of that subject is the entity's current state. Rejected commands
 * use one subject per entity type, outside that fold.
 */
export function stateSubject(
  prefix: string,
  entityType: string,
  entityId: string | number,
): string {
  return `${prefix}.state.${entityType}.${entityId}`;
}

export function rejectedSubject(prefix: string, entityType: string): string {
  return `${prefix}.rejected.${entityType}`;
}

/** Filter matching every event under the prefix. */
export function allEventsFilter(prefix: string): string {
  return `${prefix}.>`;
}

/** Filter matching every state-changing event. */
export function stateEventsFilter(prefix: string): string {
  return `${prefix}.state.>`;
}

/**
 * Subject for successful events that change no entity state (a login, a
 * reset request), kept off the per-entity subjects for the same reason.
 */
export function activitySubject(prefix: string, entityType: string): string {
  return `${prefix}.activity.${entityType}`;
}

/**
 * Subject prefix for NATS request/reply commands. It lies outside the
 * stream's `<prefix>.>` so requests are never stored as events.
 */
export function commandSubject(prefix: string, command: string): string {
  return `cmd.${prefix}.${command}`;
}

/** Subject for out-of-band notifications such as reset codes; outside the stream. */
export function notifySubject(prefix: string, topic: string): string {
  return `notify.${prefix}.${topic}`;
}
