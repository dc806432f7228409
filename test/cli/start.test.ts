/**
 * What a new user does: `npm start` on a machine without DATABASE_URL. Runs the BUILT program
 * (`node dist/src/main.js`, run `npm run build` first) in a child process with a controlled
 * environment, so it starts the embedded PostgreSQL under LOTSE_DATA_DIR, loads the demo data,
 * serves GraphiQL and the API, hands out tokens via `lotse token`, stops cleanly on SIGTERM and
 * starts again on the same data without re-seeding.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/runtime/free-port';
import { flushPrefix } from '../helpers/app';
import { acceptsConnections, LotseProcess, ROOT, runCli } from '../helpers/lotse-process';
import { REDIS_URL } from '../setup/pg';

jest.setTimeout(180_000);

const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const LISTENING = 'Lotse is listening on';
const QUERY =
  '{ persons(first: 3, filter: { name: "Muhammad" }) { totalCount edges { node { familyName nameVariants residenceStatus { status } jobcenter { customerNumber } biography(first: 5) { type } } } } }';

let tmp: string | undefined;
let dataDir: string;
let queuePrefix: string;
let env: NodeJS.ProcessEnv;
const processes: LotseProcess[] = [];
let first: LotseProcess | undefined;
let firstPort: number;
let token: string | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runningFile = () => path.join(dataDir, 'postgres.running.json');
const postmasterPidFile = () => path.join(dataDir, 'postgres', 'postmaster.pid');

function fail(message: string, proc?: LotseProcess): never {
  throw new Error(proc ? `${message}\nprocess: ${proc.describeExit()}; last output:\n${proc.tail()}` : message);
}

/** Starts `node dist/src/main.js` on `port` with the shared env and waits (bounded) until it listens. */
async function start(port: number): Promise<{ proc: LotseProcess; listening: string }> {
  const proc = new LotseProcess([MAIN], { ...env, PORT: String(port) });
  processes.push(proc);
  const listening = await proc.waitForLine(LISTENING, 90_000, `"${LISTENING}" log line`);
  return { proc, listening };
}

/** The embedded PostgreSQL's port, from the file `lotse token` and friends read. */
function runningInfo(proc: LotseProcess): { pid: number; url: string; port: number } {
  if (!fs.existsSync(runningFile())) fail(`${runningFile()} does not exist while the program runs`, proc);
  const info = JSON.parse(fs.readFileSync(runningFile(), 'utf8')) as { pid: number; url: string };
  return { ...info, port: Number(new URL(info.url).port) };
}

async function gql(port: number, query: string, bearer: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${bearer}`,
    },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: await res.json() };
}

/** SIGTERM; the program must exit with code 0 and take its embedded PostgreSQL down with it. */
async function stopCleanly(proc: LotseProcess, pgPort: number): Promise<void> {
  const exit = await proc.stop('SIGTERM', 30_000);
  const problems: string[] = [];
  if (exit.code !== 0 || exit.signal !== null)
    problems.push(`expected exit code 0 after SIGTERM, got code ${exit.code}, signal ${exit.signal}`);
  // Bounded: a clean stop has already waited for postgres; allow a little slack for the OS.
  let open = true;
  for (const deadline = Date.now() + 10_000; open && Date.now() < deadline;) {
    open = await acceptsConnections(pgPort);
    if (open) await sleep(250);
  }
  if (open)
    problems.push(`embedded PostgreSQL still accepts connections on 127.0.0.1:${pgPort} 10 s after the program exited`);
  if (fs.existsSync(runningFile()))
    problems.push(
      `${runningFile()} was not removed on shutdown (contains ${fs.readFileSync(runningFile(), 'utf8').replace(/:[^:@/]*@/, ':***@')})`,
    );
  if (problems.length) fail(problems.join('\n'), proc);
}

beforeAll(async () => {
  for (const file of [MAIN, CLI]) {
    if (!fs.existsSync(file))
      throw new Error(
        `${path.relative(ROOT, file)} is missing: run "npm run build" first (this test runs the built program, as npm start does)`,
      );
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-start-'));
  // mkdtemp gives 0700; as root, the embedded PostgreSQL runs as OS user "postgres", which must enter it.
  fs.chmodSync(tmp, 0o755);
  dataDir = path.join(tmp, '.lotse');
  queuePrefix = `lotse-start-${crypto.randomBytes(4).toString('hex')}`;
  // What a new user's shell has: no DATABASE_URL, and no NODE_ENV either (jest sets NODE_ENV=test
  // for itself; it must not leak into the program, which would then behave unlike `npm start`).
  env = {
    PATH: process.env.PATH,
    LOTSE_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    REDIS_URL,
    LOTSE_QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    LOTSE_ENV: 'development',
  };
  firstPort = await freePort();
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill(10_000)));
  if (tmp) {
    // If a program was SIGKILLed, its embedded PostgreSQL is orphaned: stop that one (ours only).
    const pid = Number.parseInt(
      (fs.existsSync(postmasterPidFile()) ? fs.readFileSync(postmasterPidFile(), 'utf8') : '').split('\n')[0] ?? '',
      10,
    );
    let cmdline = '';
    try {
      if (pid > 0) cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      // not running
    }
    if (pid > 0 && cmdline.includes(dataDir)) {
      try {
        process.kill(pid, 'SIGQUIT');
        for (let i = 0; i < 100; i++) {
          process.kill(pid, 0);
          await sleep(100);
        }
      } catch {
        // gone
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (queuePrefix) await flushPrefix(queuePrefix);
});

test('first start: initialises the embedded PostgreSQL, loads the demo data and listens', async () => {
  const { proc, listening } = await start(firstPort);
  first = proc;
  const has = (s: string) => proc.lines.some((l) => l.includes(s));
  if (!has('initialising embedded PostgreSQL'))
    fail('no "initialising embedded PostgreSQL" line on the first start', proc);
  if (!has('demo data loaded')) fail('no "demo data loaded" line on the first start', proc);
  const loaded = proc.lines
    .map((l) => JSON.parse(l.startsWith('{') ? l : 'null'))
    .find((j) => j?.msg === 'demo data loaded');
  expect(loaded).toMatchObject({ persons: 500 });
  expect(JSON.parse(listening)).toMatchObject({ url: `http://127.0.0.1:${firstPort}` });
  const info = runningInfo(proc);
  expect(info.pid).toBe(proc.child.pid);
  expect(await acceptsConnections(info.port)).toBe(true);
});

test('serves /healthz and GraphiQL', async () => {
  if (!first?.running) fail('the first start did not come up (see the first test)', first);
  const health = await fetch(`http://127.0.0.1:${firstPort}/healthz`, { signal: AbortSignal.timeout(10_000) });
  expect(health.status).toBe(200);
  const page = await fetch(`http://127.0.0.1:${firstPort}/`, {
    headers: { accept: 'text/html' },
    signal: AbortSignal.timeout(10_000),
  });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('<title>Lotse GraphiQL</title>');
});

test('lotse token reuses the running embedded PostgreSQL and prints a token', async () => {
  if (!first?.running) fail('the first start did not come up (see the first test)', first);
  const before = {
    running: fs.readFileSync(runningFile(), 'utf8'),
    postmaster: fs.readFileSync(postmasterPidFile(), 'utf8'),
  };
  const res = await runCli(['token', '--partner', 'jobcenter-steinfurt'], env);
  if (res.code !== 0)
    fail(`lotse token exited with ${res.timedOut ? 'a timeout' : `code ${res.code}`}; stderr: ${res.stderr}`, first);
  const jwt = res.stdout.trim();
  expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))).toMatchObject({
    partner: 'jobcenter-steinfurt',
  });
  // Same cluster, untouched: the token command neither started its own nor stopped the server's.
  expect(fs.readFileSync(runningFile(), 'utf8')).toBe(before.running);
  expect(fs.readFileSync(postmasterPidFile(), 'utf8')).toBe(before.postmaster);
  expect(first.running).toBe(true);
  token = jwt;
});

test('lotse token for an unknown partner fails and names it', async () => {
  if (!first?.running) fail('the first start did not come up (see the first test)', first);
  const res = await runCli(['token', '--partner', 'nobody'], env);
  expect(res.timedOut).toBe(false);
  expect(res.code).not.toBe(0);
  expect(res.stdout.trim()).toBe('');
  expect(res.stderr).toContain('"nobody"');
});

test('one query across city, jobcenter and hub; the workers fill the biography', async () => {
  if (!first?.running || !token) fail('no running program or no token (see the earlier tests)', first);
  const { status, body } = await gql(firstPort, QUERY, token);
  if (status !== 200 || body.errors) fail(`POST /graphql: HTTP ${status} ${JSON.stringify(body)}`, first);
  expect(body.data.persons.totalCount).toBeGreaterThan(0);
  expect(body.data.persons.edges.length).toBeGreaterThan(0);
  for (const { node } of body.data.persons.edges) {
    expect(node.nameVariants).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(Array.isArray(node.biography)).toBe(true);
  }
  // Outbox → relay → events queue → biography consumer: bounded wait for the first entries.
  let last = body;
  const deadline = Date.now() + 20_000;
  while (!last.data?.persons?.edges?.some((e: any) => e.node.biography.length > 0)) {
    if (Date.now() > deadline) fail(`no biography entries within 20 s; last response: ${JSON.stringify(last)}`, first);
    await sleep(500);
    const next = await gql(firstPort, QUERY, token);
    if (next.status !== 200 || next.body.errors)
      fail(`POST /graphql: HTTP ${next.status} ${JSON.stringify(next.body)}`, first);
    last = next.body;
  }
});

test('SIGTERM: exits with code 0 and stops the embedded PostgreSQL', async () => {
  if (!first?.running) fail('the first start did not come up (see the first test)', first);
  const { port } = runningInfo(first);
  await stopCleanly(first, port);
});

test('second start on the same data: no re-initialisation, no demo data load, data still there', async () => {
  if (!first || first.running) fail('the first run did not start and stop (see the earlier tests)', first);
  const port = await freePort();
  const { proc } = await start(port);
  for (const s of ['initialising embedded PostgreSQL', 'demo data', 'migrations applied']) {
    if (proc.lines.some((l) => l.includes(s)))
      fail(`second start printed "${s}": it should reuse the existing cluster and data`, proc);
  }
  const { port: pgPort } = runningInfo(proc);
  const bearer = token ?? fail('no token from the first run (see the earlier tests)', proc);
  const { status, body } = await gql(port, QUERY, bearer);
  if (status !== 200 || body.errors) fail(`POST /graphql: HTTP ${status} ${JSON.stringify(body)}`, proc);
  expect(body.data.persons.totalCount).toBeGreaterThan(0);
  await stopCleanly(proc, pgPort);
});
