import path from 'node:path';
import { Config } from '../config';
import { Logger } from '../shared/logger';
import { startEmbeddedPostgres } from './embedded-postgres';
import { resolveRedis } from './redis-server';

export interface Infrastructure {
  databaseUrl: string;
  redisUrl: string;
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
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), log: say });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    const redis = await resolveRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log: say });
    stops.push(redis.stop);
    return {
      databaseUrl,
      redisUrl: redis.url,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
