import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { newRedis, RedisTarget } from '../shared/redis';
import { freePort } from './free-port';

export interface RedisHandle {
  url: string;
  stop: () => Promise<void>;
}

export interface ResolveRedisOptions {
  /** Explicit URL (REDIS_URL); must answer PING or we fail. */
  redisUrl?: string;
  /** Parent of `redis/`, the working dir of a redis-server we start. */
  dataDir: string;
  log: (msg: string) => void;
  /** Where to look for an already running Redis; injectable for tests. */
  probeUrl?: string;
  /** PATH used to find redis-server; injectable for tests. Default: process.env.PATH. */
  searchPath?: string;
}

export const DEFAULT_PROBE_URL = 'redis://127.0.0.1:6379';
const HINT =
  'No Redis found: set REDIS_URL, or start one with "docker compose up -d redis", or install your distribution\'s redis-server package (apt install redis-server).';
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

export class RedisNotFoundError extends Error {
  constructor(message = HINT) {
    super(message);
    this.name = 'RedisNotFoundError';
  }
}

/** Explicit URL, else a Redis on 127.0.0.1:6379, else our own redis-server child. */
export async function resolveRedis(opts: ResolveRedisOptions): Promise<RedisHandle> {
  const noop = async () => undefined;
  if (opts.redisUrl) {
    if (!(await ping(opts.redisUrl, 3_000))) {
      throw new Error(`Redis at REDIS_URL (${redactUrl(opts.redisUrl)}) does not answer PING`);
    }
    return { url: opts.redisUrl, stop: noop };
  }
  const probeUrl = opts.probeUrl ?? DEFAULT_PROBE_URL;
  if (await ping(probeUrl, 500)) {
    opts.log(`using Redis at ${redactUrl(probeUrl)}`);
    return { url: probeUrl, stop: noop };
  }
  const bin = findOnPath('redis-server', opts.searchPath ?? process.env.PATH ?? '');
  if (!bin) throw new RedisNotFoundError();
  return startRedisServer(opts.dataDir, opts.log, bin);
}

/** The master the Sentinels name (REDIS_SENTINELS); it must answer PING through them or we fail. */
export async function requireSentinelRedis(target: Exclude<RedisTarget, string>): Promise<void> {
  if (!(await ping(target, 3_000))) {
    const where = target.sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    throw new Error(`Redis master "${target.sentinel.name}" of the Sentinels ${where} does not answer PING`);
  }
}

/** Start redis-server on a free 127.0.0.1 port; stop() (or our exit) ends it. */
export async function startRedisServer(
  dataDir: string,
  log: (msg: string) => void,
  bin = 'redis-server',
): Promise<RedisHandle> {
  const dir = path.resolve(dataDir, 'redis');
  await fs.mkdir(dir, { recursive: true });
  // freePort() can race with other processes, so a bind failure gets a fresh port.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    log(`starting redis-server on 127.0.0.1:${port}`);
    const child = spawnRedis(bin, port, dir);
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - 10));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Child exits with us: 'exit' covers process.exit() and an empty loop; PR_SET_PDEATHSIG
    // (setpriv, Linux) also covers the parent being killed by a signal.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    const url = `redis://127.0.0.1:${port}`;
    try {
      await waitForPing(url, child);
    } catch (err) {
      process.removeListener('exit', onExit);
      await terminate(child);
      lastError = new Error(
        `redis-server did not start: ${(err as Error).message}${output.length ? ` (${output.join(' | ')})` : ''}`,
      );
      continue;
    }
    // Output is only needed for start-up errors; keep draining the pipes so redis never blocks.
    output.length = 0;
    child.stdout?.removeListener('data', keep).resume();
    child.stderr?.removeListener('data', keep).resume();
    let stopped = false;
    return {
      url,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', onExit);
        await terminate(child);
        log('redis-server stopped');
      },
    };
  }
  throw lastError ?? new Error('redis-server did not start');
}

/** CONFIG GET maxmemory-policy; BullMQ needs "noeviction" or jobs may silently vanish. */
export async function redisMaxmemoryPolicy(target: RedisTarget): Promise<string> {
  const client = quickClient(target, 2_000);
  try {
    await client.connect();
    const reply = await client.config('GET', 'maxmemory-policy');
    if (!Array.isArray(reply) || typeof reply[1] !== 'string') {
      throw new Error('CONFIG GET maxmemory-policy returned no value (CONFIG may be disabled)');
    }
    return reply[1];
  } finally {
    close(client);
  }
}

function spawnRedis(bin: string, port: number, dir: string): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ];
  const setpriv = pdeathsigWrapper();
  const [cmd, argv] = setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', bin, ...args]] : [bin, args];
  // setpriv execs redis-server, so child.pid is redis itself.
  return spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

let setprivPath: string | null | undefined;
/** setpriv (util-linux) if it exists and knows --pdeathsig (util-linux >= 2.33); checked once. */
function pdeathsigWrapper(): string | undefined {
  if (setprivPath === undefined) {
    const found = process.platform === 'linux' ? findOnPath('setpriv', process.env.PATH ?? '') : undefined;
    const works =
      found !== undefined &&
      spawnSync(found, ['--pdeathsig', 'SIGTERM', 'true'], { stdio: 'ignore', timeout: 2_000 }).status === 0;
    setprivPath = works ? found : null;
  }
  return setprivPath ?? undefined;
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  while (Date.now() < deadline) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited early (${child.exitCode ?? child.signalCode})`);
    }
    if (await ping(url, 300)) return;
    await sleep(100);
  }
  throw new Error(`no PING answer within ${START_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** Whether a Redis answers PING at `url` (fault tests wait for a restarted one with it). */
export const redisAnswers = (target: RedisTarget, timeoutMs = 1_000): Promise<boolean> => ping(target, timeoutMs);

/** One PING with a short connect timeout, no retries, no reconnects, no unhandled 'error' events. */
async function ping(target: RedisTarget, timeoutMs: number): Promise<boolean> {
  const client = quickClient(target, timeoutMs);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    close(client);
  }
}

/**
 * ioredis' disconnect() on an already closed stream arms a timer (disconnectTimeout) that is
 * never cleared and keeps the process alive; skip it when the client has ended.
 */
function close(client: Redis): void {
  if (client.status !== 'end') client.disconnect();
}

function quickClient(target: RedisTarget, timeoutMs: number): Redis {
  const client = newRedis(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    enableOfflineQueue: false,
    disconnectTimeout: 500, // bounds the wait for a hung socket to close
  });
  client.on('error', () => undefined); // failures surface through the awaited promises
  return client;
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Never log credentials that may be embedded in a Redis URL. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
