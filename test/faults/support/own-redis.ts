import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../helpers/app';
import { freePort } from '../../../src/runtime/free-port';
import { redisAnswers } from '../../../src/runtime/redis-server';

/**
 * A redis-server of one fault test's own on a fixed free port of 127.0.0.1, killed and started
 * again at the same address. With `aof` it writes every command to its append-only file before
 * answering (a restart replays it); without, or after `kill({ empty: true })`, it comes back
 * empty, as a Redis without disks or a fail-over to an empty replica looks to the app.
 */
export class OwnRedis {
  private child?: ChildProcess;
  private readonly killNow = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly aof: boolean,
  ) {}

  /** Created and started; resolves once it answers PING. */
  static async start(opts: { aof: boolean }): Promise<OwnRedis> {
    const redis = new OwnRedis(
      await freePort(),
      fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-redis-')),
      opts.aof,
    );
    process.once('exit', redis.killNow);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push(...(this.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    args.push('--maxmemory-policy', 'noeviction', '--daemonize', 'no');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    await eventually(() => redisAnswers(this.url), 10_000, 50);
  }

  /** SIGKILL: what it held only in memory is gone; `empty` also deletes its files. */
  async kill(opts: { empty?: boolean } = {}): Promise<void> {
    await this.end('SIGKILL');
    if (opts.empty) for (const f of fs.readdirSync(this.dir)) fs.rmSync(path.join(this.dir, f), { recursive: true });
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
