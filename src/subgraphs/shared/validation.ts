import { badInput } from '../../shared/errors';
import { isoDay } from '../../shared/time';

/**
 * The Date scalar hands resolvers a JS Date at UTC midnight, while services called directly
 * (workers, tests) pass 'YYYY-MM-DD'. Both become the ISO day string the `date` column stores.
 */
export function toDay(value: Date | string, field: string): string {
  const day = value instanceof Date ? (Number.isNaN(value.getTime()) ? '' : isoDay(value)) : String(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || isoDay(new Date(`${day}T00:00:00Z`)) !== day) {
    throw badInput(`${field} must be a date like 2024-05-31`, field);
  }
  return day;
}

export const AGS = /^\d{8}$/;
