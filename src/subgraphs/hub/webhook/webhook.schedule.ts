/** When the next attempt of a delivery happens. */

/** Longest we wait because a receiver asked us to (Retry-After); longer requests are capped. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Delay before retry number `retry` (0 = the first retry), or null when the schedule is used up
 * (the delivery is then dead). Jitter of ±10 % keeps retries of many deliveries from arriving at
 * a recovering receiver in one burst.
 */
export function retryDelay(
  scheduleMs: readonly number[],
  retry: number,
  random: () => number = Math.random,
): number | null {
  if (retry < 0 || retry >= scheduleMs.length) return null;
  const base = scheduleMs[retry];
  return Math.max(0, Math.round(base * (0.9 + 0.2 * random())));
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const v = raw.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
