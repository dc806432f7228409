import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { Container, createContainer, migrateDatabase } from '../../../src/container';
import { DevKey, loadOrCreateDevKey, signDevToken } from '../../../src/gateway/dev-key';
import { seedPartners } from '../../../src/seed/partners.seed';
import { RunningServer, startGatewayServer } from '../../../src/server';
import { createLogger } from '../../../src/shared/logger';
import { LotseProcess, ROOT } from '../../helpers/lotse-process';
import { OwnPostgres, startOwnPostgres } from '../../helpers/own-postgres';
import { FAST_WEBHOOKS } from '../../webhooks/fixtures';
import { OwnRedis } from '../support/own-redis';
import { Receiver, startReceiver } from '../../webhooks/receiver';

/**
 * Everything a history run starts of its own: a PostgreSQL cluster (stopped and started by the
 * faults), a redis-server with AOF (killed, and restarted with or without its files), the gateway
 * in this process, worker processes of the built program (killed with SIGKILL), and one webhook
 * receiver per partner that is told of something. Nothing shared on 5432/6379 is touched.
 */

/** Small intervals so lost Redis state comes back from PostgreSQL within seconds. */
const RECOVERY_ENV = {
  ...FAST_WEBHOOKS,
  OUTBOX_RELAY_INTERVAL_MS: '200',
  OUTBOX_REDELIVER_AFTER_MS: '5000',
  WEBHOOK_RESYNC_SECONDS: '2',
  // A killed worker's delivery is taken over after ~3 s.
  WEBHOOK_LOCK_DURATION_MS: '3000',
  // Rules would add events no client caused; the run checks the clients' events.
  RULES_ENABLED: 'none',
  RETENTION_ENABLED: 'false',
  DB_POOL_SIZE: '4',
};

export interface Topology {
  pg: OwnPostgres;
  redis: OwnRedis;
  container: Container;
  server: RunningServer;
  /** Running worker processes (the faults replace killed ones). */
  workers: LotseProcess[];
  /** Every worker process started, for the summary and clean-up. */
  allWorkers: LotseProcess[];
  receivers: { vhs: Receiver; jobcenter: Receiver };
  databaseUrl: string;
  token(partner: string): Promise<string>;
  startWorker(): Promise<LotseProcess>;
  stop(): Promise<void>;
}

export async function startTopology(workerCount: number): Promise<Topology> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
    throw new Error('run `npm run build` first: the history run starts dist/src/cli.js');
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const pg = await startOwnPostgres();
    cleanup.push(() => pg.destroy());
    await pg.createDatabase('lotse');
    const databaseUrl = pg.url('lotse');
    await migrateDatabase(databaseUrl);
    const redis = await OwnRedis.start({ aof: true });
    cleanup.push(() => redis.stop());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-history-'));
    cleanup.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const queuePrefix = `lotse-history-${crypto.randomBytes(4).toString('hex')}`;
    const internalSecret = crypto.randomBytes(32).toString('base64url');
    const env: Record<string, string> = {
      ...RECOVERY_ENV,
      LOTSE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL: redis.url,
      LOTSE_QUEUE_PREFIX: queuePrefix,
      LOTSE_INTERNAL_SECRET: internalSecret,
      LOTSE_DEMO_SEED: 'false',
    };
    const config = loadConfig({
      ...env,
      LOTSE_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    const container = await createContainer(config, {
      databaseUrl,
      redisUrl: redis.url,
      log: createLogger(config.logLevel),
    });
    cleanup.push(() => container.close().catch(() => undefined));
    await seedPartners(container);
    const devKey: DevKey = await loadOrCreateDevKey(dataDir);
    const server = await startGatewayServer(container, { port: 0, host: '127.0.0.1', devKey });
    cleanup.push(() => server.close());
    // The relay runs here too (as in every process with workers; several relays share the outbox):
    // it keeps publishing while the faults stop the worker processes.
    container.relay.start();
    const vhs = await startReceiver();
    const jobcenter = await startReceiver();
    cleanup.push(
      () => vhs.close(),
      () => jobcenter.close(),
    );

    const tokens = new Map<string, string>();
    const workers: LotseProcess[] = [];
    const allWorkers: LotseProcess[] = [];
    const killAll = () => allWorkers.forEach((w) => w.running && w.child.kill('SIGKILL'));
    process.once('exit', killAll);
    cleanup.push(async () => {
      process.removeListener('exit', killAll);
      // A stopped process would not act on SIGTERM.
      for (const w of allWorkers) if (w.running) w.child.kill('SIGCONT');
      await Promise.all(allWorkers.map((w) => w.kill(5000)));
    });
    const topology: Topology = {
      pg,
      redis,
      container,
      server,
      workers,
      allWorkers,
      receivers: { vhs, jobcenter },
      databaseUrl,
      // Signed once while PostgreSQL is up (the partner's scopes come from its row), then reused.
      async token(partner) {
        const cached = tokens.get(partner);
        if (cached) return cached;
        const row = await container.subgraphs.hub.services.partners.findBySlug(partner);
        const token = await signDevToken(devKey, config.auth.issuer, config.auth.audience, {
          partner,
          scopes: row?.scopes ?? [],
        });
        tokens.set(partner, token);
        return token;
      },
      async startWorker() {
        const w = new LotseProcess([path.join(ROOT, 'bin', 'lotse.js'), 'worker'], {
          ...process.env,
          ...env,
          LOG_LEVEL: 'info',
          LOTSE_DATA_DIR: path.join(dataDir, `worker-${allWorkers.length}`),
          WORKER_PORT: '0', // several workers on one host
        });
        allWorkers.push(w);
        await w.waitForLine('workers started', 60_000);
        workers.push(w);
        return w;
      },
      async stop() {
        for (const c of cleanup.reverse()) await c().catch(() => undefined);
      },
    };
    for (let i = 0; i < workerCount; i++) await topology.startWorker();
    return topology;
  } catch (err) {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    throw err;
  }
}
