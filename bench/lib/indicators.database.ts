import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { boot } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Container } from '../../src/container';
import { createLogger } from '../../src/shared/logger';
import { admin, BENCH_POSTGRES_URL, BENCH_REDIS_URL, deleteRedisPrefix } from './pipeline.instance';
import type { BenchContext } from './types';

const run = promisify(execFile);

/** A database of the suite's own, migrated by the project's CLI, and the environment Lotse runs on it with. */
export interface BenchDatabase {
  name: string;
  url: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Creates `lotse_bench2_<pid>_<label>` and migrates it with `lotse migrate`; the runner's teardown
 * drops it (also on failure or Ctrl-C) with the Redis keys and data directory of its prefix.
 */
export async function createBenchDatabase(ctx: BenchContext, label: string): Promise<BenchDatabase> {
  const name = `lotse_bench2_${process.pid}_${label}`;
  const queuePrefix = `bench2_${process.pid}_${label}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lotse-bench2-'));
  const u = new URL(BENCH_POSTGRES_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: url,
    REDIS_URL: BENCH_REDIS_URL,
    LOTSE_QUEUE_PREFIX: queuePrefix,
    LOTSE_ENV: 'development',
    LOTSE_DATA_DIR: dataDir,
    LOTSE_INTERNAL_SECRET: randomBytes(24).toString('hex'),
    // As docker-compose.yml: the services act as the app role, as in a deployment.
    DATABASE_APP_ROLE: 'lotse_app',
    LOTSE_DEMO_SEED: 'false',
    LOTSE_WORKERS: 'false',
    LOG_LEVEL: 'error',
  };
  ctx.defer(async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch((err: Error) =>
      ctx.log(`could not drop ${name}: ${err.message}`),
    );
    await deleteRedisPrefix(queuePrefix).catch((err: Error) => ctx.log(`could not clear Redis: ${err.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  });
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  await run(process.execPath, [path.join(ctx.root, 'bin', 'lotse.js'), 'migrate'], { env, cwd: ctx.root });
  return { name, url, env };
}

/** The container built as the CLI builds it (`boot`), in this process; closed by the runner's teardown. */
export async function bootContainer(ctx: BenchContext, db: BenchDatabase): Promise<Container> {
  const config = loadConfig(db.env);
  const { container, infra } = await boot(config, createLogger('error'));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await container.close();
    await infra.stop();
  };
  ctx.defer(close);
  return container;
}
