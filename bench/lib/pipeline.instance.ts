import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { keyPatterns } from '../../src/shared/redis.keys';
import type { BenchContext } from './types';

const run = promisify(execFile);

/** The shared PostgreSQL (a database per instance is created and dropped) and Redis (a key prefix per instance). */
// One pair of service addresses for every suite (LOTSE_BENCH_POSTGRES_URL / LOTSE_BENCH_REDIS_URL).
export { POSTGRES_ADMIN_URL as BENCH_POSTGRES_URL, REDIS_URL as BENCH_REDIS_URL } from './stack';
import { POSTGRES_ADMIN_URL as BENCH_POSTGRES_URL, REDIS_URL as BENCH_REDIS_URL } from './stack';

export interface GqlAnswer {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  ms: number;
}

/** One Lotse started as a deployment does: its own database, migrated and seeded, `lotse serve` on a free port. */
export interface LotseInstance {
  url: string;
  pid: number;
  database: string;
  databaseUrl: string;
  queuePrefix: string;
  /** A development access token of a demo partner for one purpose (POST /dev/token). */
  token(partner: string, purpose: string): Promise<string>;
  gql(token: string, query: string, variables?: Record<string, unknown>): Promise<GqlAnswer>;
  /** Resident set size of the serve process (VmRSS), in kB. */
  rssKb(): number;
  /** Ends the process, drops the database and deletes the Redis keys; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Distinguishes instances of one run (database name, queue prefix). */
  label: string;
  /** Added to (and overriding) the environment of every lotse command. */
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function dbUrl(database: string): string {
  const u = new URL(BENCH_POSTGRES_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One statement or more on the maintenance database (create and drop the runs' databases). */
export async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: BENCH_POSTGRES_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A database's size on disk, in bytes. */
export async function databaseBytes(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT pg_database_size(current_database())::bigint AS size');
    return Number(rows[0].size);
  } finally {
    await c.end();
  }
}

/** Deletes every key under `prefix:` and `{prefix}:` (SCAN, never KEYS: the Redis is shared). */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(BENCH_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  let deleted = 0;
  try {
    for (const pattern of keyPatterns(prefix)) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export async function startLotse(ctx: BenchContext, options: StartOptions): Promise<LotseInstance> {
  const cli = path.join(ctx.root, 'bin', 'lotse.js');
  if (!existsSync(path.join(ctx.root, 'dist', 'src', 'cli.js')))
    throw new Error('dist/ is missing: run "npm run build" before the benchmarks');
  const id = `${process.pid}_${options.label}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const database = `lotse_bench2_${id}`;
  const queuePrefix = `bench2_${id}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lotse-bench2-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: dbUrl(database),
    REDIS_URL: BENCH_REDIS_URL,
    LOTSE_QUEUE_PREFIX: queuePrefix,
    LOTSE_ENV: 'development',
    LOTSE_DATA_DIR: dataDir,
    LOTSE_INTERNAL_SECRET: randomBytes(24).toString('hex'),
    // As docker-compose.yml: row-level security applies, as it does in a deployment.
    DATABASE_APP_ROLE: 'lotse_app',
    LOTSE_DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    // The benchmarks send far more than a partner may per minute: the limit is not what is measured.
    RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_COST_PER_MINUTE: '1000000000',
    ...options.env,
  };

  let child: ChildProcess | undefined;
  const output: string[] = [];
  const killOnExit = () => child?.kill('SIGKILL');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).catch((err: Error) =>
      ctx.log(`could not drop ${database}: ${err.message}`),
    );
    await deleteRedisPrefix(queuePrefix).catch((err: Error) => ctx.log(`could not clear Redis: ${err.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };

  // The runner's teardown (after the suite, on failure, on Ctrl-C) stops it too; stop() runs once.
  ctx.defer(stop);
  try {
    await admin((c) => c.query(`CREATE DATABASE "${database}"`));
    const started = Date.now();
    await run(process.execPath, [cli, 'migrate'], { env, cwd: ctx.root });
    await run(process.execPath, [cli, 'seed', '--demo'], { env, cwd: ctx.root });
    child = spawn(process.execPath, [cli, 'serve'], { env, cwd: ctx.root, stdio: ['ignore', 'pipe', 'pipe'] });
    process.on('exit', killOnExit);
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.length > 50) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitReady(url, child, output);
    ctx.log(`lotse ${options.label} ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    await stop();
    throw err;
  }

  const pid = child.pid!;
  return {
    url,
    pid,
    database,
    databaseUrl: dbUrl(database),
    queuePrefix,
    stop,
    rssKb: () => {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : NaN;
    },
    token: async (partner, purpose) => {
      const res = await fetch(`${url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ partner, purpose }),
      });
      const body = (await res.json()) as { token?: string };
      if (!res.ok || !body.token) throw new Error(`no token for ${partner}: HTTP ${res.status}`);
      return body.token;
    },
    gql: (token, query, variables) => gql(url, token, query, variables),
  };
}

export async function gql(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlAnswer> {
  const t0 = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as GqlAnswer['body'];
  return { status: res.status, body, ms: performance.now() - t0 };
}

async function waitReady(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`lotse serve exited (${child.exitCode}): ${output.join('').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`lotse serve not ready within 90 s: ${output.join('').slice(-2000)}`);
}
