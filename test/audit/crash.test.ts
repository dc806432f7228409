/**
 * "No audit entry, no data" across a crash: `lotse gateway` (the BUILT program, `npm run build`
 * first) reads personal data and is killed with SIGKILL, once right after its audit entry was
 * committed but before it answered, once while the flush carrying the entry was still in flight.
 * The child loads the program unchanged; a few lines given to `node -e` wrap AuditLog.appendNow
 * to report when it resolved and, in the first case, to never answer after that.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { freePort } from '../../src/runtime/free-port';
import { registerPersonViaApi } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { LotseProcess, ROOT } from '../helpers/lotse-process';
import { REDIS_URL } from '../setup/pg';

jest.setTimeout(180_000);

const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const SERVICE = path.join(ROOT, 'dist', 'src', 'audit', 'audit.service.js');
/** Runs `lotse gateway`; with HOLD_AFTER_AUDIT=1 a request stops for good once its audit entries are committed. */
const CHILD = `
const { AuditLog } = require(${JSON.stringify(SERVICE)});
const appendNow = AuditLog.prototype.appendNow;
AuditLog.prototype.appendNow = async function (entries) {
  await appendNow.call(this, entries);
  console.log('AUDIT COMMITTED ' + JSON.stringify(entries.map((e) => e.requestId)));
  if (process.env.HOLD_AFTER_AUDIT === '1') await new Promise(() => {});
};
process.argv = [process.argv[0], ${JSON.stringify(CLI)}, 'gateway'];
require(${JSON.stringify(CLI)});
`;

let app: TestApp;
let dataDir: string;
let personId: string;
let token: string;
const children: LotseProcess[] = [];

beforeAll(async () => {
  if (!fs.existsSync(SERVICE)) throw new Error('run `npm run build` first: this test starts dist/src/cli.js');
  app = await startTestApp();
  personId = await registerPersonViaApi(app, 'rheine-social', { givenName: 'Samira' });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-audit-crash-'));
  // The child's dev key (it verifies tokens with the key in its data directory).
  const devKey = await loadOrCreateDevKey(dataDir);
  const scopes = (await app.container.subgraphs.hub.services.partners.findBySlug('rheine-social'))!.scopes;
  token = await signDevToken(devKey, 'urn:lotse:dev', 'urn:lotse:api', { partner: 'rheine-social', scopes });
});
afterAll(async () => {
  for (const c of children) await c.kill(5000);
  await app?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const superuser = <T>(fn: (c: Client) => Promise<T>) => asSuperuser(app.db.url, fn);

const rowsOf = (requestIds: string[]) =>
  superuser(
    async (c) =>
      (
        await c.query('SELECT request_id, kind FROM audit.entry WHERE request_id = ANY($1::text[]) ORDER BY seq', [
          requestIds,
        ])
      ).rows as Array<{ request_id: string; kind: string }>,
  );

/** Every INSERT into the log takes two seconds more while `fn` runs, so a flush can be caught in flight. */
async function withSlowInserts(fn: () => Promise<void>): Promise<void> {
  await superuser((c) =>
    c.query(`CREATE FUNCTION audit.test_slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
      CREATE TRIGGER test_slow AFTER INSERT ON audit.entry FOR EACH STATEMENT EXECUTE FUNCTION audit.test_slow()`),
  );
  try {
    await fn();
  } finally {
    await superuser((c) => c.query('DROP TRIGGER test_slow ON audit.entry; DROP FUNCTION audit.test_slow()'));
  }
}

/** `lotse gateway` on the test's database, wrapped as described above; resolves once it listens. */
async function startChild(hold: boolean): Promise<{ child: LotseProcess; url: string }> {
  const port = await freePort();
  const child = new LotseProcess(['-e', CHILD], {
    PATH: process.env.PATH,
    LOTSE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: app.db.url,
    DATABASE_APP_ROLE: 'lotse_app',
    REDIS_URL,
    LOTSE_QUEUE_PREFIX: app.queuePrefix,
    LOTSE_DATA_DIR: dataDir,
    LOTSE_INTERNAL_SECRET: app.internalSecret,
    LOTSE_DEMO_SEED: 'false',
    HOLD_AFTER_AUDIT: hold ? '1' : '0',
  });
  children.push(child);
  await child.waitForLine('Lotse is listening on', 60_000);
  return { child, url: `http://127.0.0.1:${port}/graphql` };
}

/** Reads the person as rheine-social; settles with the HTTP status, or the error when no answer came. */
function read(url: string, requestId: string): Promise<{ status: number } | { failed: string }> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query: 'query($id: ID!) { person(id: $id) { givenName } }', variables: { id: personId } }),
    signal: AbortSignal.timeout(60_000),
  }).then(
    async (res) => {
      await res.text();
      return { status: res.status };
    },
    (err: Error) => ({ failed: err.message }),
  );
}

it('killed after the entry was committed and before answering: the entry is there and the chain verifies', async () => {
  const { child, url } = await startChild(true);
  const requestId = crypto.randomUUID();
  // Slow inserts: a caller told "committed" before the commit would be killed before it happens.
  await withSlowInserts(async () => {
    const answer = read(url, requestId);
    await child.waitForLine(`AUDIT COMMITTED ["${requestId}"]`, 30_000);
    await child.stop('SIGKILL', 10_000);
    expect(await answer).toEqual({ failed: expect.any(String) }); // no answer, so no data, left the process
  });
  expect(await rowsOf([requestId])).toEqual([{ request_id: requestId, kind: 'read' }]);
  expect((await app.container.audit.verify()).ok).toBe(true);
});

it('killed while the flush was in flight: nothing of that batch is committed, and the chain goes on intact', async () => {
  const before = await app.container.audit.verify();
  await withSlowInserts(async () => {
    const { child, url } = await startChild(false);
    const requestIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const answers = requestIds.map((id) => read(url, id));
    const inserting = await eventually(
      () =>
        superuser(async (c) => {
          const { rows } = await c.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
             AND query LIKE 'INSERT INTO audit.entry%'`,
          );
          return rows[0]?.pid as number | undefined;
        }),
      30_000,
      20,
    );
    await child.stop('SIGKILL', 10_000);
    expect(child.lines.filter((l) => l.startsWith('AUDIT COMMITTED'))).toEqual([]);
    expect(await Promise.all(answers)).toEqual(requestIds.map(() => ({ failed: expect.any(String) })));

    // The backend finishes the statement, finds its client gone and rolls back.
    await eventually(
      () =>
        superuser(
          async (c) => (await c.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [inserting])).rowCount === 0,
        ),
      30_000,
    );
    expect(await rowsOf(requestIds)).toEqual([]);
  });
  expect(await app.container.audit.verify()).toEqual(before);
  // The next append continues the chain where it was.
  await app.container.audit.appendNow([
    { kind: 'system', partner: 'system', subject: 'test', requestId: crypto.randomUUID() },
  ]);
  expect((await app.container.audit.verify()).ok).toBe(true);
});
