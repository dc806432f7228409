import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { TestApp } from '../../helpers/app';
import { LotseProcess, ROOT } from '../../helpers/lotse-process';

export const CLI = path.join(ROOT, 'bin', 'lotse.js');

/** Fails early, with the fix, when the built program is missing. */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
    throw new Error('run `npm run build` first: this test starts the built program (dist/src/cli.js)');
}

/**
 * `lotse worker` processes beside a TestApp (started with `workers: false`): the same database,
 * Redis, queue prefix and internal secret, so they take the app's jobs and read its sealed
 * webhook secrets. Every process started is killed in `killAll` and, should the test runner die,
 * on its exit.
 */
export class WorkerProcesses {
  readonly started: LotseProcess[] = [];
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-worker-'));
  private readonly onExit = () => {
    for (const w of this.started) if (w.running) w.child.kill('SIGKILL');
  };

  constructor(
    private readonly app: TestApp,
    private readonly redisUrl: string,
    private readonly env: Record<string, string> = {},
  ) {
    process.once('exit', this.onExit);
  }

  /** Starts one and waits (bounded) until its workers and relay run. */
  async start(env: Record<string, string> = {}): Promise<LotseProcess> {
    const w = new LotseProcess([CLI, 'worker'], {
      ...process.env,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL: this.redisUrl,
      LOTSE_QUEUE_PREFIX: this.app.queuePrefix,
      LOTSE_DATA_DIR: this.dataDir,
      LOTSE_INTERNAL_SECRET: this.app.internalSecret,
      OUTBOX_RELAY_INTERVAL_MS: '100',
      WORKER_PORT: '0', // several workers on one host
      ...this.env,
      ...env,
    });
    this.started.push(w);
    await w.waitForLine('workers started', 30_000);
    return w;
  }

  /** For afterAll: a stopped process is continued first, so it can hear SIGTERM. */
  async killAll(): Promise<void> {
    for (const w of this.started) {
      if (w.running) w.child.kill('SIGCONT');
      await w.kill(5000);
    }
    process.removeListener('exit', this.onExit);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A superuser session on the app's database: counts across row-level security, table locks. */
export async function adminSession(app: TestApp): Promise<Client> {
  const c = new Client({ connectionString: app.db.url });
  await c.connect();
  return c;
}

/** Rows of `sql` (a count query with `n`), as the superuser sees them. */
export async function countOf(c: Client, sql: string, params: unknown[] = []): Promise<number> {
  return (await c.query(sql, params)).rows[0].n as number;
}
