import crypto from 'node:crypto';
import Redis from 'ioredis';
import { endpointSlotKeys } from '../../../shared/redis.keys';

/**
 * At most `cap` requests in flight per endpoint across all workers, so one slow endpoint cannot
 * take every worker slot. A sorted set per endpoint holds one member per request, scored with its
 * expiry: a slot of a worker that died frees itself. A job refused a slot is noted as a waiter
 * (in the same script, so no release can slip between), and a release wakes the oldest waiter:
 * a busy endpoint's next request starts when a slot frees, not after a fixed pause.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  if ARGV[5] ~= '' then
    redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[5])
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
  end
  return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
return 1`;

/** Frees a slot and hands out the oldest waiter, if any. */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local w = redis.call('ZPOPMIN', KEYS[2])
if w[1] then return w[1] end
return false`;

/** What waking a waiting job found: it now runs, it is still running (not yet waiting), or it is gone. */
export type WakeResult = 'woken' | 'busy' | 'gone';

/** A waiter that is gone is skipped; this many at most per release. */
const MAX_WAKE_TRIES = 5;

export class EndpointSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    /** Makes the waiting job `waiterId` run now (the `webhooks` queue promotes its delayed job). */
    private readonly wake: (waiterId: string) => Promise<WakeResult> = async () => 'gone',
  ) {}

  /**
   * A release function, or null when the endpoint is at its `cap`; then `waiterId` (the job's
   * id) is woken by the next release.
   */
  async acquire(endpointId: string, cap: number, waiterId = ''): Promise<(() => Promise<void>) | null> {
    const keys = endpointSlotKeys(this.prefix, endpointId);
    const token = crypto.randomUUID();
    const ok = await this.redis.eval(
      ACQUIRE,
      2,
      keys.inflight,
      keys.waiting,
      String(Date.now()),
      String(this.ttlMs),
      String(cap),
      token,
      waiterId,
    );
    if (ok !== 1) return null;
    return async () => {
      try {
        await this.release(keys, token);
      } catch {
        // A failed wake-up leaves the waiter to its fallback delay.
      }
    };
  }

  private async release(keys: { inflight: string; waiting: string }, token: string): Promise<void> {
    let busy: string | undefined;
    for (let i = 0; i < MAX_WAKE_TRIES; i++) {
      const waiter = (await this.redis.eval(RELEASE, 2, keys.inflight, keys.waiting, i === 0 ? token : '')) as
        string | null;
      if (!waiter) break;
      const result = await this.wake(waiter);
      if (result === 'woken') break;
      // Refused a moment ago and not yet set aside: the next release wakes it.
      if (result === 'busy') busy = waiter;
    }
    if (busy) await this.redis.multi().zadd(keys.waiting, 0, busy).pexpire(keys.waiting, this.ttlMs).exec();
  }
}
