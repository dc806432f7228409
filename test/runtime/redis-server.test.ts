import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../../src/runtime/free-port';
import {
  RedisNotFoundError,
  redisMaxmemoryPolicy,
  resolveRedis,
  startRedisServer,
  type RedisHandle,
} from '../../src/runtime/redis-server';

/** The machine's Redis (CI and dev boxes run one on the default port). */
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

let tmp: string;
const started: RedisHandle[] = [];
const logs: string[] = [];
const log = (m: string) => logs.push(m);

/** A short-lived client with bounded waits and no reconnect loop. */
async function withClient<T>(url: string, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    disconnectTimeout: 200,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    if (c.status !== 'end') c.disconnect(); // disconnect() on an ended client keeps a timer alive
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'lotse-redis-'));
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.stop()));
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('resolveRedis with a reachable Redis', () => {
  test('uses an explicit REDIS_URL as is', async () => {
    const handle = await resolveRedis({ redisUrl: LOCAL_REDIS, dataDir: tmp, log });
    expect(handle.url).toBe(LOCAL_REDIS);
    await handle.stop(); // no-op: not ours to stop
    await expect(withClient(LOCAL_REDIS, (c) => c.ping())).resolves.toBe('PONG');
    expect(typeof (await redisMaxmemoryPolicy(handle.url))).toBe('string');
  });

  test('uses the Redis found by the probe without starting one', async () => {
    const handle = await resolveRedis({ probeUrl: LOCAL_REDIS, dataDir: tmp, log });
    expect(handle.url).toBe(LOCAL_REDIS);
  });

  test('an unreachable REDIS_URL fails clearly without leaking the password', async () => {
    const port = await freePort(); // closed: nothing listens there any more
    const attempt = resolveRedis({ redisUrl: `redis://user:s3cret@127.0.0.1:${port}`, dataDir: tmp, log });
    await expect(attempt).rejects.toThrow(/does not answer PING/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});

describe('own redis-server child', () => {
  test('startRedisServer serves on 127.0.0.1 with our settings, and stop() kills it', async () => {
    const handle = await startRedisServer(tmp, log);
    started.push(handle);
    expect(handle.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);

    const info = await withClient(handle.url, async (c) => ({
      pid: Number(/process_id:(\d+)/.exec(await c.info('server'))?.[1]),
      save: (await c.config('GET', 'save')) as string[],
      appendonly: (await c.config('GET', 'appendonly')) as string[],
      bind: (await c.config('GET', 'bind')) as string[],
      dir: (await c.config('GET', 'dir')) as string[],
    }));
    expect(info.save[1]).toBe('');
    expect(info.appendonly[1]).toBe('no');
    expect(info.bind[1]).toBe('127.0.0.1');
    expect(await fs.realpath(info.dir[1] ?? '')).toBe(await fs.realpath(path.join(tmp, 'redis')));
    expect(await redisMaxmemoryPolicy(handle.url)).toBe('noeviction');
    expect(isAlive(info.pid)).toBe(true);

    await handle.stop();
    expect(isAlive(info.pid)).toBe(false);
    await expect(withClient(handle.url, (c) => c.ping())).rejects.toThrow();
  }, 15_000);

  test('resolveRedis starts redis-server when nothing answers the probe', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const handle = await resolveRedis({ probeUrl: closed, dataDir: tmp, log });
    started.push(handle);
    expect(handle.url).not.toBe(closed);
    await expect(withClient(handle.url, (c) => c.ping())).resolves.toBe('PONG');
    await handle.stop();
  }, 15_000);
});

test('no Redis reachable and no redis-server on PATH: one-line RedisNotFoundError', async () => {
  const closed = `redis://127.0.0.1:${await freePort()}`;
  const emptyBin = await fs.mkdtemp(path.join(tmp, 'bin-'));
  const error = await resolveRedis({ probeUrl: closed, searchPath: emptyBin, dataDir: tmp, log }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedisNotFoundError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toMatch(/REDIS_URL/);
  expect(message).toMatch(/docker compose up -d redis/);
  expect(message).toMatch(/redis-server/);
});
