/**
 * Subject layout under one prefix: state-changing events on one subject per
 * entity, so the last message of that subject is the entity's current state;
 * rejected commands on one subject per entity type, outside that fold.
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
