import type { Logger } from '../shared/logger';
import type { RowSecurityContext } from '../shared/row-security';

export interface Resync<T> {
  /** One run now, in the re-sync's system context; its errors reach the caller. */
  run: () => Promise<T>;
  stop: () => void;
}

/**
 * Redis may lose everything, so what PostgreSQL says must be queued is queued again now and then:
 * `fn` runs every `everyMs` (first at start unless `atStart` is false) in the system context
 * `resync:<name>`. A failed run is logged and left to the next one.
 */
export async function startResync<T>(
  name: string,
  everyMs: number,
  fn: () => Promise<T>,
  deps: { log: Logger; rowSecurity: RowSecurityContext; atStart?: boolean },
): Promise<Resync<T>> {
  const run = () => deps.rowSecurity.system(`resync:${name}`, fn);
  const guarded = () =>
    run().catch((err: Error) => {
      const detail = { name: err.name, message: err.message };
      deps.log.warn({ err: detail }, `${name} re-sync failed; retried at the next interval`);
    });
  if (deps.atStart !== false) await guarded();
  const timer = setInterval(() => void guarded(), everyMs);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}

/** A queue's worker and its re-sync as one: closing stops the re-sync, waits for `settle`, then closes the worker. */
export function withResync<W extends { close(): Promise<void> }, T>(
  worker: W,
  resync: Resync<T>,
  settle?: () => Promise<void>,
) {
  return {
    worker,
    resync: resync.run,
    async close(): Promise<void> {
      resync.stop();
      await settle?.();
      await worker.close();
    },
  };
}
