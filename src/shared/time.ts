/** A clock that tests can control; services never call Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The UTC calendar day of an instant, as the `date` columns store it (YYYY-MM-DD). */
export const isoDay = (t: Date): string => t.toISOString().slice(0, 10);
