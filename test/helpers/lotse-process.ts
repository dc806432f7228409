import { ChildProcess, execFile, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REDIS_URL } from '../setup/pg';

/** Repository root: the built program is `dist/src/main.js` under it, the CLI `bin/lotse.js`. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Whether `promise` settles within `ms`; the timer is cleared either way (no open handle left). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The built program (`node dist/src/main.js`, as `npm start` runs it) in a child process with a
 * controlled environment. stdout/stderr are piped and kept line by line (pino JSON on stdout), so
 * failed waits can show the last lines.
 */
export class LotseProcess {
  readonly child: ChildProcess;
  /** Every output line; stderr lines are prefixed with "[stderr] ". */
  readonly lines: string[] = [];
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly exited: Promise<void>;
  private readonly closed: Promise<void>;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.collect(this.child.stdout!, '');
    this.collect(this.child.stderr!, '[stderr] ');
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve();
      });
      this.child.once('error', (err) => {
        this.lines.push(`[spawn error] ${err.message}`);
        this.exit ??= { code: null, signal: null };
        this.notify();
        resolve();
      });
    });
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The last `n` output lines, for assertion messages. */
  tail(n = 30): string {
    const shown = this.lines.slice(-n);
    return shown.length ? shown.map((l) => `  | ${l}`).join('\n') : '  (no output)';
  }

  /** Resolves with the first line (already seen or new) matching `match`; fails on timeout or exit. */
  waitForLine(match: string | ((line: string) => boolean), timeoutMs: number, what = String(match)): Promise<string> {
    const test = typeof match === 'string' ? (l: string) => l.includes(match) : match;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(test);
        if (found !== undefined) return done(() => resolve(found));
        if (!this.running) {
          return done(() =>
            reject(
              new Error(
                `process exited (${this.describeExit()}) before printing ${what}; last output:\n${this.tail()}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${what} within ${timeoutMs / 1000} s; last output:\n${this.tail()}`))),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        fn();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` and waits (bounded) for the exit; returns the exit code and signal. */
  async stop(
    signal: NodeJS.Signals,
    timeoutMs: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    if (!(await within(this.exited, timeoutMs)))
      throw new Error(`process did not exit within ${timeoutMs / 1000} s of ${signal}; last output:\n${this.tail()}`);
    await within(this.closed, 2000); // let the last lines arrive
    return this.exit!;
  }

  /** For afterAll: SIGTERM, then SIGKILL after a grace period. Never throws. */
  async kill(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    if (await within(this.exited, graceMs)) return;
    this.child.kill('SIGKILL');
    await within(this.exited, 5000);
  }

  describeExit(): string {
    return this.exit ? `code ${this.exit.code}, signal ${this.exit.signal}` : 'still running';
  }

  private collect(stream: NodeJS.ReadableStream, prefix: string): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) this.lines.push(prefix + line);
      this.notify();
    });
    stream.on('end', () => {
      if (partial.trim()) this.lines.push(prefix + partial);
      partial = '';
      this.notify();
    });
  }

  private notify(): void {
    for (const check of [...this.listeners]) check();
  }
}

/** Runs `node bin/lotse.js ...args` to completion (bounded); never rejects on a non-zero exit. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'lotse.js'), ...args],
      { cwd: ROOT, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout,
          stderr,
          timedOut: Boolean(e?.killed),
        });
      },
    );
  });
}

/** What a `lotse` command run by a test works on: a test app, or a test database of its own. */
export interface CliTarget {
  db: { url: string };
  queuePrefix?: string;
  internalSecret?: string;
}

export interface CliEnvOptions {
  /** LOTSE_QUEUE_PREFIX; default the app's. */
  queuePrefix?: string;
  /** Pass the app's LOTSE_INTERNAL_SECRET, for what must match the app's keys (encrypted secrets, checkpoint key). */
  shareSecret?: boolean;
  /** Connect as the app role, so row-level security applies as in the app (the test user is a superuser). */
  appRole?: boolean;
}

/**
 * The environment of a `lotse` command (runCli) beside a test app: its database, the test Redis,
 * development mode (without shareSecret its internal secret is kept in the data dir, so the
 * commands of one test share it), no demo seed, warnings only.
 * Only PATH is taken from the runner's environment, so nothing of jest's (NODE_ENV) leaks in.
 */
export function cliEnv(target: CliTarget, dataDir: string, opts: CliEnvOptions = {}): NodeJS.ProcessEnv {
  const queuePrefix = opts.queuePrefix ?? target.queuePrefix;
  if (!queuePrefix) throw new Error('cliEnv: no queue prefix (the target has none; pass opts.queuePrefix)');
  if (opts.shareSecret && !target.internalSecret) throw new Error('cliEnv: shareSecret, but the target has no secret');
  return {
    PATH: process.env.PATH,
    DATABASE_URL: target.db.url,
    REDIS_URL,
    LOTSE_ENV: 'development',
    LOTSE_DATA_DIR: dataDir,
    LOTSE_DEMO_SEED: 'false',
    LOTSE_QUEUE_PREFIX: queuePrefix,
    ...(opts.shareSecret ? { LOTSE_INTERNAL_SECRET: target.internalSecret } : {}),
    ...(opts.appRole ? { DATABASE_APP_ROLE: 'lotse_app' } : {}),
    LOG_LEVEL: 'warn',
  };
}

/** Whether something accepts TCP connections on host:port right now. */
export function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(2000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
