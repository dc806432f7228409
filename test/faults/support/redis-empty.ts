import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { eventually } from '../../helpers/app';
import { freePort } from '../../../src/runtime/free-port';

async function answersPing(url: string): Promise<boolean> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    // disconnect() on an ended client arms a timer that keeps jest alive.
    if (c.status !== 'end') c.disconnect();
  }
}

/**
 * A redis-server of one test's own on a fixed port, without persistence (no RDB, no AOF): once
 * killed, the next `start()` brings an empty Redis back at the same address, as a restarted
 * Redis without disks, or a fail-over to an empty replica, looks to the app.
 */
export class ScratchRedis {
  private child?: ChildProcess;
  private readonly killNow = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async create(): Promise<ScratchRedis> {
    const redis = new ScratchRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f4-')));
    process.once('exit', redis.killNow);
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a fresh, empty redis-server on the port; resolves once it answers PING. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    args.push('--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--daemonize', 'no');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await eventually(() => answersPing(this.url), 10_000, 50);
  }

  /** SIGKILL: what Redis held in memory is gone. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** Ends the server (if running) and removes its directory. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
    process.removeListener('exit', this.killNow);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
