import { badInput } from '../../shared/errors';
import { decodeCursor, isUuid } from '../../shared/ids';

/** What one part of a keyset cursor must be. */
export type CursorPart = (value: unknown) => boolean;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const textPart: CursorPart = (v) => typeof v === 'string';
export const timestampPart: CursorPart = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
export const dayPart: CursorPart = (v) => typeof v === 'string' && DAY.test(v);
export const uuidPart: CursorPart = (v) => typeof v === 'string' && isUuid(v);

/**
 * The sort key an `after` cursor carries, checked part by part: a forged or foreign cursor is a
 * client error naming `after`, never a failed cast in SQL.
 */
export function decodeAfter(after: string, parts: readonly CursorPart[]): string[] {
  const c = decodeCursor(after);
  if (!c || c.length !== parts.length || !parts.every((ok, i) => ok(c[i]))) {
    throw badInput('after is not a valid cursor', 'after');
  }
  return c.map(String);
}
