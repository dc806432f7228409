/** A clock that tests can control; services never call Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The system clock shifted by `ms` (development: LOTSE_DEV_CLOCK_OFFSET). */
export const offsetClock = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

/** The UTC calendar day of an instant, as the `date` columns store it (YYYY-MM-DD). */
export const isoDay = (t: Date): string => t.toISOString().slice(0, 10);

/** Adds months to a day; the day of month is clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
