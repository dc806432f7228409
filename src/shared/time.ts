/** A clock that tests can control; services never call Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The system clock shifted by `ms` (development: LOTSE_DEV_CLOCK_OFFSET). */
export const offsetClock = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

/** The UTC calendar day of an instant, as the `date` columns store it (YYYY-MM-DD). */
export const isoDay = (t: Date): string => t.toISOString().slice(0, 10);
