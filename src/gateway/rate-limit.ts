import { GraphQLError } from 'graphql';
import type Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { Logger } from '../shared/logger';
import { rateLimitKeys } from '../shared/redis.keys';

/**
 * Per-partner rate limits: operations per minute and cost per minute, in fixed one-minute
 * windows kept in Redis (`<prefix>:ratelimit:{<partner>}:<ops|cost>:<window>`, expiring after two
 * minutes), so that every gateway process shares them. Checked once per operation by admission
 * (src/gateway/admission.ts) after validation, when the operation and its variables are known, for
 * HTTP operations and subscription starts alike (a query's check runs while the query executes, and its
 * answer waits for it; see admission.ts). The cost charged is the one the per-operation limit
 * checked (src/gateway/cost.ts). An operation over a limit is not counted and is
 * answered with RATE_LIMITED and `extensions.retryAfter` (seconds until the window ends); over HTTP
 * with status 429 and `Retry-After`. The first operation of a window is never
 * refused for its cost, else one costlier than the whole budget could never run.
 *
 * If Redis does not answer, operations are let through with a warning: the hub serves social
 * services and youth welfare, and their availability beats rate limiting (fail open).
 */
export interface RateLimitOptions {
  redis: Redis;
  /** LOTSE_QUEUE_PREFIX. */
  prefix: string;
  operationsPerMinute: number;
  costPerMinute: number;
  /** Redis that takes longer counts as down. */
  redisTimeoutMs?: number;
  now?: () => number;
  /** Counts refusals by the limit reached (lotse_rate_limit_refusals_total). */
  refusals?: Pick<Counter<'limit'>, 'inc'>;
}

const WINDOW_MS = 60_000;

/** Both counters are checked, and only then incremented, in one step. */
const CHECK_AND_COUNT = `
local ops = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(redis.call('GET', KEYS[2]) or '0')
local opCost = tonumber(ARGV[3])
if ops + 1 > tonumber(ARGV[1]) then return {0, 1} end
if cost > 0 and cost + opCost > tonumber(ARGV[2]) then return {0, 2} end
redis.call('INCR', KEYS[1])
redis.call('INCRBY', KEYS[2], opCost)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, 0}
`;

/** The per-partner counters. `check` counts the operation and returns null, or the RATE_LIMITED error. */
export class RateLimiter {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private lastWarning = 0;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.redisTimeoutMs ?? 500;
  }

  async check(partner: string, cost: number, log: Logger): Promise<GraphQLError | null> {
    const t = this.now();
    const window = Math.floor(t / WINDOW_MS);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - t) / 1000));
    const keys = rateLimitKeys(this.opts.prefix, partner, window);
    let verdict: [number, number];
    if (this.opts.redis.status !== 'ready') return this.failOpen(log, `redis ${this.opts.redis.status}`);
    try {
      verdict = (await withTimeout(
        this.opts.redis.eval(
          CHECK_AND_COUNT,
          2,
          keys.ops,
          keys.cost,
          this.opts.operationsPerMinute,
          this.opts.costPerMinute,
          cost,
          2 * WINDOW_MS,
        ),
        this.timeoutMs,
      )) as [number, number];
    } catch (err) {
      return this.failOpen(log, (err as Error).message);
    }
    if (verdict[0] === 1) return null;
    const limit = verdict[1] === 1 ? 'operations' : 'cost';
    this.opts.refusals?.inc({ limit });
    const message =
      limit === 'operations'
        ? `Rate limit of ${this.opts.operationsPerMinute} operations per minute exceeded; retry in ${retryAfter} s`
        : `Rate limit of ${this.opts.costPerMinute} cost per minute exceeded (this operation: ${cost}); retry in ${retryAfter} s`;
    return new GraphQLError(message, {
      extensions: { code: 'RATE_LIMITED', limit, retryAfter },
    });
  }

  private failOpen(log: Logger, reason: string): null {
    // One line per minute is enough during an outage; every request would flood the log.
    if (this.now() - this.lastWarning >= WINDOW_MS) {
      this.lastWarning = this.now();
      log.warn({ reason }, 'rate limit not enforced: Redis unavailable, operations are let through');
    }
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
