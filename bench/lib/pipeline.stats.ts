/** Nearest-rank percentile of `values` (need not be sorted); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; stops starting new ones
 * once `deadline` (epoch ms) has passed. Returns how many were started.
 */
export async function pool(
  concurrency: number,
  count: number,
  task: (i: number) => Promise<void>,
  deadline = Infinity,
): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < count && Date.now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return next;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
