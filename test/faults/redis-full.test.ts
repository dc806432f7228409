import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';
import { registerPerson } from '../factories';
import { ROOT, runCli } from '../helpers/lotse-process';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';

/**
 * F6: a Redis of this test's own (never the shared one) with a tiny `maxmemory` (1 MB of room) and `noeviction`,
 * filled until it refuses writes. Publishing fails at once, the event stays pending in PostgreSQL,
 * and goes out once Redis has room again.
 */
describe('F6 Redis full', () => {
  let redis: RedisHandle;
  let client: Redis;
  let app: TestApp;
  let dataDir: string;
  const fillers: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f6-'));
    redis = await startRedisServer(dataDir, () => undefined);
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    // Workers (and the relay's own loop) start later: first this test publishes by hand.
    app = await startTestApp({ gateway: false, redisUrl: redis.url });
  });
  afterAll(async () => {
    await app?.stop();
    client?.disconnect();
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Writes 64 kB values until Redis answers OOM; bounded (at most 200 values, ~12 MB). */
  const fill = async () => {
    const value = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) {
      try {
        await client.set(`filler:${i}`, value);
        fillers.push(`filler:${i}`);
      } catch (err) {
        if (/OOM/.test((err as Error).message)) return;
        throw err;
      }
    }
    throw new Error('Redis never refused a write');
  };
  const outboxRow = async (personId: string) =>
    (
      await asHub(app, () =>
        app.container.subgraphs.city.dataSource.query(
          `SELECT id, published_at, acked_at FROM city.outbox WHERE person_id = $1`,
          [personId],
        ),
      )
    )[0] as { id: string; published_at: Date | null; acked_at: Date | null };

  it('a committed event stays pending while Redis is full and goes out once it has room', async () => {
    expect(((await client.config('GET', 'maxmemory-policy')) as string[])[1]).toBe('noeviction');
    // A tiny limit: 1 MB above what the queues already use (a fixed 2 MB may be below that).
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    const roomy = String(used + 1024 * 1024);
    await client.config('SET', 'maxmemory', roomy);
    await fill();
    expect(fillers.length).toBeGreaterThan(0);
    // Right at the limit a small write may still fit once buffers are freed: the limit goes 256 kB
    // below what is used, so every write is refused until the filler is deleted (~1 MB).
    const full = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    await client.config('SET', 'maxmemory', String(full - 256 * 1024));

    // The write itself only needs PostgreSQL: it succeeds.
    const person = await registerPerson(app, 'rheine-social', { givenName: 'Samir', familyName: 'Aziz' });
    const row = await outboxRow(person.id);
    expect(row).toBeDefined();
    // Publishing fails fast (Redis answers OOM at once) and the row stays pending.
    const started = Date.now();
    await expect(app.container.relay.tick(0)).rejects.toThrow(/OOM/);
    expect(Date.now() - started).toBeLessThan(5000);
    // The relay's own loop keeps trying meanwhile (every 100 ms) without crashing. (Workers refuse
    // to start on a full Redis: they cannot set up their schedules.)
    app.container.relay.start();
    await new Promise((r) => setTimeout(r, 1000));
    const pending = await outboxRow(person.id);
    expect(pending.published_at).toBeNull();
    expect(pending.acked_at).toBeNull();

    // Room again: the filler goes and the limit is back at 1 MB of room; the relay's next round
    // publishes the event and a worker handles it.
    await client.del(...fillers);
    await client.config('SET', 'maxmemory', roomy);
    await eventually(async () => (await outboxRow(person.id)).published_at, 10_000);
    await app.startWorkers();
    await eventHandled(app, 'city', row.id, 20_000);
    const bio = await asHub(app, () =>
      app.container.subgraphs.hub.dataSource.query(
        `SELECT count(*)::int AS n FROM hub.biography_entry WHERE event_id = $1`,
        [row.id],
      ),
    );
    expect(bio[0].n).toBe(1);
  });

  it('start-up refuses a Redis whose maxmemory-policy is not noeviction', async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
      throw new Error('run `npm run build` first: this test starts dist/src/cli.js');
    const other = await startRedisServer(path.join(dataDir, 'lru'), () => undefined);
    try {
      const env = {
        ...process.env,
        LOTSE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: app.db.url,
        DATABASE_APP_ROLE: 'lotse_app',
        REDIS_URL: other.url,
        LOTSE_DATA_DIR: path.join(dataDir, 'cli'),
        HOST: '127.0.0.1',
        PORT: '0',
      };
      const c = new Redis(other.url);
      await c.config('SET', 'maxmemory-policy', 'allkeys-lru');
      c.disconnect();
      // Without the refusal the worker would run until runCli's limit kills it.
      const refused = await runCli(['worker'], env, 20_000);
      expect(refused.timedOut).toBe(false);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/maxmemory-policy is allkeys-lru, must be noeviction/);
    } finally {
      await other.stop();
    }
  });
});
