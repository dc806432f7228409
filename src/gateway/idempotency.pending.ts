import { Logger } from '../shared/logger';

/**
 * Outcomes of claimed Idempotency-Keys that could not be written because PostgreSQL was
 * unreachable at that moment: a release (nothing was stored, the client may retry) or a stored
 * response (the mutation ran). Left alone, the key would stay `in_progress`: every retry answered
 * 409 until the claim is taken over as stale (a minute), and a stale takeover after a mutation
 * that did commit would run it a second time. So they are written again: in the background with
 * backoff, and first of all before this process claims the same key again. They are given up
 * once the claim could be taken over anyway. One per gateway process, in memory: a process that
 * dies leaves its claims to the stale takeover, as before.
 */
export interface PendingOutcomesOptions {
  /** Delays between background attempts; the last one repeats. */
  retryMs?: number[];
  /** Stop retrying after this long (the stale-claim interval). */
  giveUpAfterMs: number;
}

interface Entry {
  write: () => Promise<void>;
  log: Logger;
  since: number;
  attempts: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

const RETRY_MS = [250, 500, 1000, 2000, 5000];

export class PendingOutcomes {
  private readonly pending = new Map<string, Entry>();
  private readonly retryMs: number[];
  private closed = false;

  constructor(private readonly opts: PendingOutcomesOptions) {
    this.retryMs = opts.retryMs ?? RETRY_MS;
  }

  /** How many outcomes wait to be written (metrics, tests). */
  get size(): number {
    return this.pending.size;
  }

  /** Keeps `write` (for the key `id`) to be tried again until it succeeds. */
  defer(id: string, write: () => Promise<void>, log: Logger): void {
    const previous = this.pending.get(id);
    if (previous?.timer) clearTimeout(previous.timer);
    const entry: Entry = { write, log, since: Date.now(), attempts: 0 };
    this.pending.set(id, entry);
    this.schedule(id, entry);
  }

  /** Writes what is pending for `id`, if anything; throws when it still cannot (answered 503). */
  async flush(id: string): Promise<void> {
    const entry = this.pending.get(id);
    if (entry) await this.attempt(id, entry);
  }

  /** One last attempt for each (a graceful shutdown), then no more timers. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.pending.entries()];
    for (const [, entry] of entries) clearTimeout(entry.timer);
    await Promise.all(entries.map(([id, entry]) => this.attempt(id, entry).catch(() => undefined)));
    if (this.pending.size)
      entries[0][1].log.warn({ pending: this.pending.size }, 'idempotency outcomes not written at shutdown');
    this.pending.clear();
  }

  private attempt(id: string, entry: Entry): Promise<void> {
    entry.running ??= entry
      .write()
      .then(() => {
        clearTimeout(entry.timer);
        if (this.pending.get(id) === entry) this.pending.delete(id);
        entry.log.info({ outcome: 'written_later', attempts: entry.attempts + 1 }, 'idempotency outcome written');
      })
      .finally(() => {
        entry.running = undefined;
      });
    return entry.running;
  }

  private schedule(id: string, entry: Entry): void {
    if (this.closed) return;
    const delay = this.retryMs[Math.min(entry.attempts, this.retryMs.length - 1)];
    entry.timer = setTimeout(() => {
      entry.attempts++;
      this.attempt(id, entry).catch((err: Error & { code?: string }) => {
        if (this.pending.get(id) !== entry) return;
        if (Date.now() - entry.since >= this.opts.giveUpAfterMs) {
          this.pending.delete(id);
          entry.log.error(
            { err: { name: err.name, code: err.code }, attempts: entry.attempts },
            'idempotency outcome given up: the claim is left to the stale takeover',
          );
          return;
        }
        this.schedule(id, entry);
      });
    }, delay);
    // Pending outcomes never keep the process alive.
    entry.timer.unref();
  }
}
