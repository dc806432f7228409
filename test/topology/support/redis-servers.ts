import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { eventually } from '../../helpers/app';
import { freePort } from '../../../src/runtime/free-port';
import { redisAnswers } from '../../../src/runtime/redis-server';

/**
 * redis-server processes of one test's own on free loopback ports: a node in cluster mode, or a
 * master with a replica and a Sentinel. `stop()` ends every process and removes the directory;
 * should the runner die, they are killed on its exit.
 */
export class OwnRedisServers {
  private readonly children: ChildProcess[] = [];
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-redis-topology-'));
  private readonly killAll = () => this.children.forEach((c) => c.kill('SIGKILL'));

  constructor() {
    process.once('exit', this.killAll);
  }

  /** One redis-server on a free port; resolves once it answers PING. */
  async server(extra: string[] = [], name = `r${this.children.length}`): Promise<{ port: number; url: string }> {
    const port = await freePort();
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir);
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
    args.push('--maxmemory-policy', 'noeviction', '--daemonize', 'no', ...extra);
    this.children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    const url = `redis://127.0.0.1:${port}`;
    await eventually(() => redisAnswers(url), 10_000, 50);
    return { port, url };
  }

  /**
   * A Redis Cluster of one node that holds every slot: it refuses what a real cluster refuses
   * (CROSSSLOT: keys of one command or script in different slots, SELECT), without redirects, so
   * a plain client works against it.
   */
  async clusterNode(): Promise<string> {
    const { url } = await this.server(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'], 'cluster');
    await withClient(url, async (c) => {
      await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await eventually(async () => /cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO'))), 10_000, 50);
    });
    return url;
  }

  /** A master, one replica and one Sentinel watching them as `name`; returns the Sentinel's port. */
  async sentinelSet(name: string): Promise<{ master: number; replica: number; sentinel: number }> {
    const master = await this.server([], 'master');
    const replica = await this.server(['--replicaof', '127.0.0.1', String(master.port)], 'replica');
    await withClient(replica.url, (c) =>
      eventually(async () => /master_link_status:up/.test(await c.info('replication')), 10_000, 50),
    );
    const port = await freePort();
    const dir = path.join(this.dir, 'sentinel');
    fs.mkdirSync(dir);
    const conf = path.join(dir, 'sentinel.conf');
    // Sentinel rewrites its file (it must be writable); quorum 1: one Sentinel decides alone.
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${name} 2000`,
        `sentinel failover-timeout ${name} 10000`,
        '',
      ].join('\n'),
    );
    this.children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    const sentinelUrl = `redis://127.0.0.1:${port}`;
    await eventually(() => redisAnswers(sentinelUrl), 10_000, 50);
    // The Sentinel has found the replica (it asks the master every few seconds).
    await withClient(sentinelUrl, (c) =>
      eventually(async () => ((await c.call('SENTINEL', 'REPLICAS', name)) as unknown[]).length > 0, 20_000, 100),
    );
    return { master: master.port, replica: replica.port, sentinel: port };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
    process.removeListener('exit', this.killAll);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A short-lived client (no retries), closed after `fn`. */
export async function withClient<T>(url: string, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

/** Every key under a deployment's prefixes (`{prefix}:…` and `prefix:…`), by SCAN. */
export async function keysOf(url: string, patterns: string[]): Promise<string[]> {
  return withClient(url, async (c) => {
    const keys: string[] = [];
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, found] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
    }
    return [...new Set(keys)];
  });
}
