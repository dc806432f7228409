import type { EventEmitter } from 'node:events';
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
 * `resync:<name>`, and each time `reconnects` (the connection the re-sync writes through) is
 * ready again after a loss. Runs never overlap: a trigger during a run asks for one more after it.
 * A failed run is logged and left to the next one.
 */
export async function startResync<T>(
  name: string,
  everyMs: number,
  fn: () => Promise<T>,
  deps: { log: Logger; rowSecurity: RowSecurityContext; atStart?: boolean; reconnects?: EventEmitter },
): Promise<Resync<T>> {
  const run = () => deps.rowSecurity.system(`resync:${name}`, fn);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const guarded = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = run()
      .then(
        () => undefined,
        (err: Error) => {
          const detail = { name: err.name, message: err.message };
          deps.log.warn({ err: detail }, `${name} re-sync failed; retried at the next interval`);
        },
      )
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void guarded();
        }
      });
    return running;
  };
  if (deps.atStart !== false) await guarded();
  const timer = setInterval(() => void guarded(), everyMs);
  timer.unref();
  // A Redis restarted empty (or a fail-over to a replica that lacks writes) drops the connection
  // first: re-creating what it lost when the connection is back takes seconds, not an interval.
  // A mere network blip costs one idempotent run.
  const onReady = () => {
    deps.log.info(`${name} re-sync: Redis connection ready again`);
    void guarded();
  };
  deps.reconnects?.on('ready', onReady);
  return {
    run,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      deps.reconnects?.off('ready', onReady);
    },
  };
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
