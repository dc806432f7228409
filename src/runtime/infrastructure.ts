import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { APP_ROLE } from '../shared/row-security.sql';
import { Config } from '../config';
import { Logger } from '../shared/logger';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { RedisTarget } from '../shared/redis';
import { redisMaxmemoryPolicy, resolveRedis, requireSentinelRedis } from './redis-server';

export interface Infrastructure {
  databaseUrl: string;
  /** A URL, or the Sentinels (REDIS_SENTINELS) with REDIS_URL's password, db and TLS. */
  redisUrl: RedisTarget;
  /** The embedded PostgreSQL's login is a superuser: the app then acts as the app role, as in production. */
  appRole?: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL from DATABASE_URL or an embedded one under the data directory; Redis from REDIS_URL,
 * localhost:6379, or a redis-server from PATH. What we started, we stop.
 */
export async function resolveInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  const say = (msg: string) => log.info(msg);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) databaseUrl = await runningEmbeddedPostgres(config.dataDir);
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), log: say });
      const urlFile = path.join(config.dataDir, RUNNING_FILE);
      fs.writeFileSync(urlFile, JSON.stringify({ pid: process.pid, url: pg.url }), { mode: 0o600 });
      stops.push(async () => {
        fs.rmSync(urlFile, { force: true });
        await pg.stop();
      });
      databaseUrl = pg.url;
    }
    let redisTarget: RedisTarget;
    if (config.redisSentinel) {
      redisTarget = { url: config.redisUrl, sentinel: config.redisSentinel };
      await requireSentinelRedis(redisTarget);
    } else {
      const redis = await resolveRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log: say });
      stops.push(redis.stop);
      redisTarget = redis.url;
    }
    await requireNoEviction(redisTarget, log);
    return {
      databaseUrl,
      redisUrl: redisTarget,
      appRole: config.databaseUrl ? undefined : APP_ROLE,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * BullMQ's jobs must never be evicted: a Redis with any other maxmemory-policy is refused at start.
 * Where CONFIG is not allowed (some managed Redis) the policy cannot be read; then /readyz says so.
 */
async function requireNoEviction(target: RedisTarget, log: Logger): Promise<void> {
  let policy: string;
  try {
    policy = await redisMaxmemoryPolicy(target);
  } catch (err) {
    log.warn({ err: { message: (err as Error).message } }, 'cannot read the Redis maxmemory-policy');
    return;
  }
  if (policy !== 'noeviction')
    throw new Error(
      `Redis maxmemory-policy is ${policy}, must be noeviction (queue jobs would be evicted): set it with CONFIG SET maxmemory-policy noeviction or in redis.conf`,
    );
}

const RUNNING_FILE = 'postgres.running.json';

/**
 * The embedded PostgreSQL another local process (e.g. `npm start`) runs: CLI commands such as
 * `lotse token` use it instead of failing on the locked data directory.
 */
async function runningEmbeddedPostgres(dataDir: string): Promise<string | undefined> {
  const file = path.join(dataDir, RUNNING_FILE);
  let info: { pid: number; url: string };
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8'));
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  const client = new Client({ connectionString: info.url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return info.url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
