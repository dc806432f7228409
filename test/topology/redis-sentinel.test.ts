import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';
import { LotseProcess } from '../helpers/lotse-process';
import { asSuperuser } from '../helpers/superuser';
import { CLI, requireBuild } from '../faults/support/worker.process';
import type { RedisTarget } from '../../src/shared/redis';
import { keyPatterns } from '../../src/shared/redis.keys';
import { REDIS_URL } from '../setup/pg';
import { keysOf, OwnRedisServers, withClient } from './support/redis-servers';

const NAME = 'lotse-test-master';

/**
 * Redis through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): a master, a replica and a
 * Sentinel of the test's own. The gateway runs in this process, the workers in a `lotse worker`
 * process; neither is told where the master is, only where the Sentinel is. An event is handled;
 * then the Sentinel fails over to the replica and the next event is handled too, with no restart.
 */
describe('Redis through Sentinel', () => {
  let servers: OwnRedisServers;
  let ports: { master: number; replica: number; sentinel: number };
  let app: TestApp;
  let worker: LotseProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    requireBuild();
    servers = new OwnRedisServers();
    ports = await servers.sentinelSet(NAME);
    const target: RedisTarget = { sentinel: { sentinels: [{ host: '127.0.0.1', port: ports.sentinel }], name: NAME } };
    app = await startTestApp({ workers: false, redisUrl: target });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-sentinel-worker-'));
    worker = new LotseProcess([CLI, 'worker'], {
      PATH: process.env.PATH,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_SENTINELS: `127.0.0.1:${ports.sentinel}`,
      REDIS_SENTINEL_NAME: NAME,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      OUTBOX_RELAY_INTERVAL_MS: '100',
      WORKER_PORT: '0',
    });
    await worker.waitForLine('workers started', 30_000);
  }, 90_000);
  afterAll(async () => {
    await worker?.kill(5000);
    await app?.stop();
    await servers?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const registeredInBiography = (personId: string) =>
    eventually(
      () =>
        asSuperuser(app.db.url, async (c) => {
          const { rows } = await c.query(
            `SELECT count(*)::int AS n FROM hub.biography_entry WHERE person_id = $1 AND type = 'person.registered'`,
            [personId],
          );
          return rows[0].n === 1;
        }),
      30_000,
      100,
    );

  const readyz = async () => {
    const res = await fetch(`${app.url}/readyz`);
    return { status: res.status, body: await res.text() };
  };

  it('jobs flow through the master the Sentinel names, before and after a failover', async () => {
    expect((await readyz()).status).toBe(200);
    await registeredInBiography(await registerPersonViaApi(app, 'rheine-social'));
    // On the master the Sentinel names, nothing on the machine's shared Redis.
    expect((await keysOf(`redis://127.0.0.1:${ports.master}`, keyPatterns(app.queuePrefix))).length).toBeGreaterThan(0);
    expect(await keysOf(REDIS_URL, keyPatterns(app.queuePrefix))).toEqual([]);

    const sentinelUrl = `redis://127.0.0.1:${ports.sentinel}`;
    await withClient(sentinelUrl, (c) => c.call('SENTINEL', 'FAILOVER', NAME));
    await withClient(sentinelUrl, (c) =>
      eventually(
        async () =>
          ((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)) as string[])[1] === String(ports.replica),
        30_000,
        100,
      ),
    );
    // The old master is now a replica: writes reach the new one only through the Sentinel.
    await withClient(`redis://127.0.0.1:${ports.replica}`, (c) =>
      eventually(async () => /role:master/.test(await c.info('replication')), 30_000, 100),
    );

    // The gateway's connections and the worker's find the new master (a mutation may meet the switch: retried).
    const personId = await eventually(
      () => registerPersonViaApi(app, 'rheine-social').catch(() => undefined),
      30_000,
      500,
    );
    await registeredInBiography(personId);
    await eventually(async () => (await readyz()).status === 200, 30_000, 200);
    expect(worker!.running).toBe(true);
  }, 120_000);
});
