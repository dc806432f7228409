import crypto from 'node:crypto';
import Redis from 'ioredis';

/**
 * At most `cap` requests in flight per endpoint across all workers, so one slow endpoint cannot
 * take every worker slot. A sorted set per endpoint holds one member per request, scored with its
 * expiry: a slot of a worker that died frees itself.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

export class EndpointSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cap: number,
    private readonly ttlMs: number,
  ) {}

  /** A release function, or null when the endpoint is at its cap. */
  async acquire(endpointId: string): Promise<(() => Promise<void>) | null> {
    const key = `${this.prefix}:webhooks:inflight:${endpointId}`;
    const token = crypto.randomUUID();
    const ok = await this.redis.eval(ACQUIRE, 1, key, String(Date.now()), String(this.ttlMs), String(this.cap), token);
    if (ok !== 1) return null;
    return async () => {
      await this.redis.zrem(key, token).catch(() => undefined);
    };
  }
}
