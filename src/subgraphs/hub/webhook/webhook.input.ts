import { badInput } from '../../../shared/errors';
import { PUBLIC_EVENT_TYPES } from '../notification/notification.routing';

/** Checks of an endpoint's fields (create and update); each throws BAD_USER_INPUT naming its field. */

export function checkEventTypes(types: string[]): string[] {
  const unique = [...new Set(types.map((t) => t.trim()))];
  if (!unique.length) throw badInput('eventTypes must name at least one event type', 'eventTypes');
  const unknown = unique.filter((t) => !(PUBLIC_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length)
    throw badInput(`Unknown event types: ${unknown.join(', ')}. Known: ${PUBLIC_EVENT_TYPES.join(', ')}`, 'eventTypes');
  return unique;
}

/** Null (or absent) is the deployment's default. */
export function checkMaxConcurrency(n: number | null | undefined): number | null {
  if (n === undefined || n === null) return null;
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw badInput('maxConcurrency must be between 1 and 100', 'maxConcurrency');
  return n;
}

export function checkDescription(d: string | null | undefined): string | null {
  if (d === undefined || d === null || d.trim() === '') return null;
  if (d.length > 500) throw badInput('description is at most 500 characters', 'description');
  return d.trim();
}
