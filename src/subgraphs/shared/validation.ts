import { AppError, badInput, badInputs } from '../../shared/errors';
import { isoDay } from '../../shared/time';

/**
 * No date a partner enters lies further ahead than this: a residence status valid from the year
 * 3000 is a typing error, not a plan. Ten years covers the longest permits and course plans.
 */
export const DATE_HORIZON_YEARS = 10;

/** The last day an input date may name, seen from `now`. */
export function horizonDay(now: Date): string {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + DATE_HORIZON_YEARS);
  return isoDay(limit);
}

/**
 * The Date scalar hands resolvers a JS Date at UTC midnight, while services called directly
 * (workers, tests) pass 'YYYY-MM-DD'. Both become the ISO day string the `date` column stores;
 * null when it is not a real day.
 */
function parseDay(value: Date | string): string | null {
  const day = value instanceof Date ? (Number.isNaN(value.getTime()) ? '' : isoDay(value)) : String(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || isoDay(new Date(`${day}T00:00:00Z`)) !== day) return null;
  return day;
}

export function toDay(value: Date | string, field: string): string {
  const day = parseDay(value);
  if (day === null) throw badInput(`${field} must be a date like 2024-05-31`, field);
  return day;
}

/**
 * Collects what is wrong with one input, so that a partner learns of every refused field in one
 * answer instead of one per attempt. `done()` throws them together (see badInputs).
 */
export class InputCheck {
  private readonly refused: Array<{ message: string; field: string }> = [];

  /** `now` enables the date horizon (DATE_HORIZON_YEARS) for `day`. */
  constructor(private readonly now?: Date) {}

  refuse(message: string, field: string): void {
    this.refused.push({ message, field });
  }

  /** Refuses `field` unless `ok`; returns `ok`. */
  require(ok: boolean, message: string, field: string): boolean {
    if (!ok) this.refuse(message, field);
    return ok;
  }

  /** A day within the horizon, or '' with the field refused (done() throws before it is used). */
  day(value: Date | string, field: string): string {
    const day = parseDay(value);
    if (day === null) {
      this.refuse(`${field} must be a date like 2024-05-31`, field);
      return '';
    }
    if (this.now && day > horizonDay(this.now)) {
      this.refuse(
        `${field} lies more than ${DATE_HORIZON_YEARS} years ahead (after ${horizonDay(this.now)}): check the year`,
        field,
      );
      return '';
    }
    return day;
  }

  /** Whether a field was refused so far (later checks may depend on earlier values). */
  get failed(): boolean {
    return this.refused.length > 0;
  }

  /**
   * Runs a check written as a function that throws BAD_USER_INPUT naming its field (e.g. a URL guard)
   * and records its refusal instead; any other error goes through. Undefined when refused.
   */
  async attempt<T>(check: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'BAD_USER_INPUT') throw err;
      const field = err.extensions.field;
      if (typeof field !== 'string') throw err;
      this.refuse(err.message, field);
      return undefined;
    }
  }

  done(): void {
    if (this.refused.length) throw badInputs(this.refused);
  }
}

export const AGS = /^\d{8}$/;
