// Identity of an audit record whose event has no actor.
import type { EventEnvelope } from '@stock-audit/events';

/**
 * The username an anonymous caller claimed, such as a failed login's
 * attempted username, carried in `error.username`; null when absent.
 */
export function claimedUsername(event: EventEnvelope): string | null {
  const value = (event.error as Record<string, unknown> | null)?.username;

  return typeof value === 'string' && value !== '' ? value : null;
}
