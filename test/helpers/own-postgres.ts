import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/runtime/free-port';

/**
 * A PostgreSQL cluster of one test's own, from the system's initdb/pg_ctl, on a free port of
 * 127.0.0.1 with trust authentication: for tests that stop and start the database. The shared
 * server on 5432 is never touched. Every command has a deadline.
 */
export interface OwnPostgres {
  port: number;
  /** URL of a database in this cluster (as superuser `postgres`). */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown: open connections are terminated, new ones refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster if it runs and removes its directory. */
  destroy(): Promise<void>;
  /** Immediate shutdown (SIGQUIT to the postmaster), synchronous: for process.once('exit'). */
  killNow(): void;
}

const TIMEOUT_MS = 60_000;

/** The directory of initdb and pg_ctl, or undefined where PostgreSQL's server binaries are not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

function run(bin: string, args: string[]): Promise<string> {
  // PostgreSQL refuses to run as root: as root, run as the OS user postgres.
  const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) =>
    execFile(cmd, argv, { timeout: TIMEOUT_MS }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(bin)} failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-own-pg-'));
  // mkdtemp gives 0700; the postgres OS user must enter it.
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  await run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`;
  let running = false;
  const pg: OwnPostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new Client({ connectionString: pg.url('postgres'), connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    async start() {
      await run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
      running = true;
    },
    async stop() {
      await run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      running = false;
    },
    killNow() {
      try {
        const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      } catch {
        // Not running.
      }
    },
    async destroy() {
      if (running) await pg.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}
