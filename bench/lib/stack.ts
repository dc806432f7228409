import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { keyPatterns } from '../../src/shared/redis.keys';
import { startProcess, sleep } from './process';
import { BenchContext } from './types';

const run = promisify(execFile);

/** The shared PostgreSQL (trust authentication) and Redis the bench works on. */
export const POSTGRES_ADMIN_URL = process.env.LOTSE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.LOTSE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The demo partner every gateway is asked as: it may read residence status, its SGB II records and biographies. */
export const BENCH_PARTNER = 'jobcenter-steinfurt';
export const BENCH_PURPOSE = 'benefit_administration';

/** One bench run's own database, Redis key prefix and data directory, with the demo data set. */
export interface BenchStack {
  databaseUrl: string;
  queuePrefix: string;
  internalSecret: string;
  /** A development access token of BENCH_PARTNER (dev key under the run's data directory). */
  token: string;
  /** A person in the partner's jurisdiction with a residence status, a jobcenter record and a biography. */
  personId: string;
  /** Environment for `node bin/lotse.js …` on this stack, quiet, rate limits raised; `extra` wins. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/**
 * Creates `lotse_bench_<pid>`, migrates it and loads the demo data with the project's own
 * CLI, then lets a worker turn the seed's events into biographies. Everything is torn down through
 * `ctx.defer`: the database is dropped, the Redis keys under the prefix are deleted.
 */
export async function provisionStack(ctx: Pick<BenchContext, 'root' | 'log' | 'defer'>): Promise<BenchStack> {
  const dbName = `lotse_bench_${process.pid}`;
  const queuePrefix = `lotsebench${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-bench-'));
  const internalSecret = crypto.randomBytes(32).toString('base64url');
  const databaseUrl = withDatabase(POSTGRES_ADMIN_URL, dbName);

  ctx.defer(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  await admin(`CREATE DATABASE ${dbName}`);
  ctx.defer(() => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  ctx.defer(() => deleteRedisKeys(queuePrefix));

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Libraries take their production paths as in the peers; Lotse itself runs as development (dev tokens).
    NODE_ENV: 'production',
    LOTSE_ENV: 'development',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    // Workers' probe port: a free one, as several may run on this host.
    WORKER_PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    LOTSE_QUEUE_PREFIX: queuePrefix,
    LOTSE_DATA_DIR: dataDir,
    LOTSE_INTERNAL_SECRET: internalSecret,
    AUTH_DEV_KEY: 'true',
    TRUSTED_DOCUMENTS: 'false',
    LOTSE_DEMO_SEED: 'false',
    LOTSE_WORKERS: 'false',
    // The bench measures the pipeline, not the per-partner limits (600 operations a minute by default).
    RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_COST_PER_MINUTE: '1000000000',
    ...extra,
  });
  const cli = async (...args: string[]) =>
    (await run(process.execPath, ['bin/lotse.js', ...args], { cwd: ctx.root, env: env(), maxBuffer: 1 << 24 })).stdout;

  ctx.log(`database ${dbName}: migrate, seed --demo`);
  await cli('migrate');
  await cli('seed', '--demo');
  await drainOutbox(ctx, databaseUrl, env());
  const token = (await cli('token', '--partner', BENCH_PARTNER)).trim();
  const { personId } = await readDemo(databaseUrl);
  return { databaseUrl, queuePrefix, internalSecret, token, personId, env };
}

/** A worker handles the seed's events (biographies) until every outbox is acknowledged and nothing changes. */
async function drainOutbox(
  ctx: Pick<BenchContext, 'root' | 'defer'>,
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const worker = startProcess('worker', ['bin/lotse.js', 'worker'], { cwd: ctx.root, env });
  ctx.defer(() => worker.stop());
  const sql = `SELECT (SELECT count(*) FROM city.outbox WHERE acked_at IS NULL)
      + (SELECT count(*) FROM jobcenter.outbox WHERE acked_at IS NULL)
      + (SELECT count(*) FROM courses.outbox WHERE acked_at IS NULL)
      + (SELECT count(*) FROM hub.outbox WHERE acked_at IS NULL) AS pending,
      (SELECT count(*) FROM hub.biography_entry) AS biography`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    let last = '';
    for (let i = 0; i < 240; i++) {
      await sleep(500);
      if (!worker.running) throw new Error(`worker exited:\n${worker.output()}`);
      const { rows } = await db.query(sql);
      const now = `${rows[0].pending}/${rows[0].biography}`;
      if (rows[0].pending === '0' && now === last) return void (await worker.stop());
      last = now;
    }
    throw new Error('the outbox was not drained within 2 minutes');
  } finally {
    await db.end();
    await worker.stop();
  }
}

async function readDemo(databaseUrl: string): Promise<{ personId: string }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const partner = await db.query('SELECT 1 FROM hub.partner WHERE slug = $1', [BENCH_PARTNER]);
    if (!partner.rows.length) throw new Error(`demo partner ${BENCH_PARTNER} is missing`);
    // The first such person by id: the same one on every run of the same demo data.
    const person = await db.query(
      `SELECT j.person_id FROM jobcenter.jobcenter_record j
        WHERE EXISTS (SELECT 1 FROM city.residence_status r WHERE r.person_id = j.person_id)
          AND EXISTS (SELECT 1 FROM hub.biography_entry b WHERE b.person_id = j.person_id)
        ORDER BY j.person_id LIMIT 1`,
    );
    if (!person.rows.length) throw new Error('no demo person with residence status, jobcenter record and biography');
    return { personId: person.rows[0].person_id };
  } finally {
    await db.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const db = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await db.connect();
  try {
    await db.query(sql);
  } finally {
    await db.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for (const pattern of keyPatterns(prefix)) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
