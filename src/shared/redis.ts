import Redis, { RedisOptions } from 'ioredis';

/** Sentinels that know the master by `name` (REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD). */
export interface RedisSentinels {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
  password?: string;
}

/**
 * Where Redis is: a `redis://` or `rediss://` URL, or Sentinels that name the master; the URL then
 * gives only the password, user, database and TLS. Every connection Lotse makes starts from one.
 */
export type RedisTarget = string | { url?: string; sentinel: RedisSentinels };

/** The URL of a target, for what only a URL can say (password, db, TLS). */
export const redisTargetUrl = (target: RedisTarget): string | undefined =>
  typeof target === 'string' ? target : target.url;

/**
 * A client of a target. A URL is read by ioredis itself (as before Sentinel support); with
 * Sentinels the master is asked of them on every (re)connect, so a failover is followed.
 */
export function newRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  return typeof target === 'string' ? new Redis(target, options) : new Redis(sentinelOptions(target, options));
}

function sentinelOptions(target: Exclude<RedisTarget, string>, extra: RedisOptions): RedisOptions {
  const { sentinel } = target;
  const fromTarget = target.url ? fromUrl(target.url) : {};
  return {
    ...fromTarget,
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    ...(sentinel.password ? { sentinelPassword: sentinel.password } : {}),
    // rediss:// then means TLS to the master and replicas as well.
    ...(fromTarget.tls ? { enableTLSForSentinelMode: true } : {}),
    ...extra,
  };
}

/** BullMQ needs maxRetriesPerRequest: null on the connections its workers block on. */
export function createRedisConnection(target: RedisTarget, extra: RedisOptions = {}): Redis {
  return newRedis(target, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/** `host:port,host:port` as REDIS_SENTINELS gives it; a problem per bad entry. */
export function parseSentinels(raw: string, problems: string[]): Array<{ host: string; port: number }> {
  const out: Array<{ host: string; port: number }> = [];
  for (const entry of raw.split(',').map((s) => s.trim())) {
    const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      problems.push(`REDIS_SENTINELS entries look like sentinel-0.redis:26379; got "${entry}"`);
      continue;
    }
    out.push({ host: m[1].replace(/^\[|\]$/g, ''), port });
  }
  return out;
}

/** What the URL adds beside Sentinels: user, password, db, TLS (its host and port are not used). */
function fromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
