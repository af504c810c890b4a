// The English `description` of an audit record, built from the event's
// before/after snapshots, error and actor. Same event, same text.
import type { EventEnvelope } from '@stock-audit/events';
import { formatValue, isChangedSecret, sliceText } from './format.ts';
import { claimedUsername } from './identity.ts';
import { comparePaths, flatten, leafKey, SnapshotTooDeepError } from './flatten.ts';

/** Maximum length of a stored description; longer lists end in "… and N more". */
export const MAX_DESCRIPTION_LENGTH = 4000;

/** Raised when an event lacks what its description needs. */
export class DescriptionError extends Error {
  readonly code = 'DESCRIPTION_FAILED';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DescriptionError';
  }
}

const SUCCESS_PHRASES: Record<string, (ref: string) => string> = {
  create: (ref) => `Created ${ref}`,
  register: (ref) => `Registered ${ref}`,
  delete: (ref) => `Deleted ${ref}`,
  activate: (ref) => `Activated ${ref}`,
  approve: (ref) => `Approved ${ref}`,
  reject: (ref) => `Rejected ${ref}`,
  reset_password: (ref) => `Password reset requested for ${ref}`,
  change_password: (ref) => `Password changed for ${ref}`,
};

const FAILURE_PHRASES: Record<string, (ref: string) => string> = {
  register: () => 'Registration',
  reset_password: (ref) => `Password reset for ${ref}`,
  change_password: (ref) => `Password change for ${ref}`,
};

/** Keys that name an entity in a delete, in order of preference. */
const NAME_KEYS = ['name', 'username', 'title', 'email'];

/**
 * Builds the description of `event`. Throws DescriptionError when the event
 * does not carry what its form needs (a login without a username, an
 * update without snapshots, snapshots nested too deep).
 */
export function describeEvent(event: EventEnvelope): string {
  try {
    return truncate(buildDescription(event));
  } catch (error) {
    if (error instanceof SnapshotTooDeepError) {
      throw new DescriptionError(`cannot describe ${event.type}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function buildDescription(event: EventEnvelope): string {
  const ref = entityRef(event);
  if (event.status === 'error') return describeFailure(event, ref);
  if (event.action === 'login') return `${requireUsername(event)} logged in`;
  if (event.action === 'update') return describeUpdate(event, ref);

  const phrase = (SUCCESS_PHRASES[event.action] ?? fallbackPhrase(event))(ref);
  if (event.action === 'create' || event.action === 'register') {
    return withDetail(phrase, listFields(event.after));
  }
  if (event.action === 'delete') {
    const name = entityName(event.before) ?? entityName(event.after);
    const named = name === undefined ? phrase : `${phrase} (${name})`;

    return withDetail(named, event.before && event.after ? listChanges(event) : '');
  }
  if (event.before && event.after) return withDetail(phrase, listChanges(event));

  return withDetail(phrase, listFields(event.after));
}

function describeFailure(event: EventEnvelope, ref: string): string {
  const reason = event.error?.message || event.error?.code || 'no reason given';
  if (event.action === 'login') {
    const username = usernameOf(event);

    return `Login${username ? ` as ${username}` : ''} failed: ${reason}`;
  }
  const phrase =
    FAILURE_PHRASES[event.action]?.(ref) ?? `${capitalize(words(event.action))} ${ref}`;

  return `${phrase} failed: ${reason}`;
}

function describeUpdate(event: EventEnvelope, ref: string): string {
  if (!event.before && !event.after) {
    throw new DescriptionError(`cannot describe ${event.type}: it has neither before nor after`);
  }
  const changes = listChanges(event);

  return changes || `No fields changed on ${ref}`;
}

/** "price: 10.00 → 12.50; quantity: 5 → 3" over every leaf that differs. */
function listChanges(event: EventEnvelope): string {
  const before = flatten(event.before);
  const after = flatten(event.after);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(comparePaths);
  const changes: string[] = [];
  for (const path of paths) {
    const key = leafKey(path);
    const old = before.get(path);
    const value = after.get(path);
    if (isChangedSecret(value) && !isChangedSecret(old)) {
      changes.push(`${path} changed`);
      continue;
    }
    const oldText = formatValue(key, old);
    const newText = formatValue(key, value);
    if (oldText !== newText) changes.push(`${path}: ${oldText} → ${newText}`);
  }

  return joinLimited(changes, '; ');
}

/** "name: Widget, price: 10.00" over every leaf but the top-level id. */
function listFields(snapshot: Record<string, unknown> | null): string {
  const leaves = flatten(snapshot);
  const fields = [...leaves.keys()]
    .filter((path) => path !== 'id')
    .sort(comparePaths)
    .map((path) => `${path}: ${formatValue(leafKey(path), leaves.get(path))}`);

  return joinLimited(fields, ', ');
}

function entityRef(event: EventEnvelope): string {
  return event.entity_id === null ? event.entity_type : `${event.entity_type} ${event.entity_id}`;
}

function entityName(snapshot: Record<string, unknown> | null): string | undefined {
  for (const key of NAME_KEYS) {
    const value = snapshot?.[key];
    if (typeof value === 'string' && value !== '') return value;
  }

  return undefined;
}

function usernameOf(event: EventEnvelope): string | undefined {
  const candidates = [event.actor?.username, claimedUsername(event), event.after?.username];

  return candidates.find((value): value is string => typeof value === 'string' && value !== '');
}

function requireUsername(event: EventEnvelope): string {
  const username = usernameOf(event);
  if (username === undefined) {
    throw new DescriptionError(`cannot describe ${event.type}: no actor or username`);
  }

  return username;
}

/** Phrase for an action this module has no wording for, from the event type's verb. */
function fallbackPhrase(event: EventEnvelope): (ref: string) => string {
  const verb = event.type.slice(event.type.indexOf('.') + 1);

  return (ref) => `${capitalize(words(verb))} ${ref}`;
}

function withDetail(phrase: string, detail: string): string {
  return detail ? `${phrase}: ${detail}` : phrase;
}

function words(identifier: string): string {
  return identifier.replace(/_/g, ' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Joins `items` while the result stays well under MAX_DESCRIPTION_LENGTH. */
function joinLimited(items: string[], separator: string): string {
  const budget = MAX_DESCRIPTION_LENGTH - 200;
  let length = 0;
  let count = 0;
  for (const item of items) {
    if (length + item.length + separator.length > budget) break;
    length += item.length + separator.length;
    count++;
  }
  const shown = items.slice(0, count).join(separator);
  const hidden = items.length - count;

  return hidden > 0 ? `${shown}${separator}… and ${hidden} more` : shown;
}

function truncate(text: string): string {
  return text.length <= MAX_DESCRIPTION_LENGTH
    ? text
    : `${sliceText(text, MAX_DESCRIPTION_LENGTH - 1)}…`;
}
