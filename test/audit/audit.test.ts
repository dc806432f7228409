/**
 * The tamper-evident audit log against the real database (a fresh one for this file, so the
 * superuser tampering below touches nothing else). Tests run in order and share the chain: the
 * tampering tests come last and restore the rows they break until the final consistent rewrite.
 * The CLI part runs the BUILT program (`npm run build` first; `npm test` does it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { AuditEntryInput, AuditLog, Checkpoint } from '../../src/audit/audit.service';
import { CHAIN_COLUMNS, chainRowFromDb, DbChainRow, entryHash, GENESIS } from '../../src/audit/chain';
import { flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { cliEnv, ROOT, runCli } from '../helpers/lotse-process';

jest.setTimeout(120_000);

let app: TestApp;
let audit: AuditLog;

beforeAll(async () => {
  app = await startTestApp({ gateway: false });
  audit = app.container.audit;
});
afterAll(async () => {
  await app?.stop();
});

const entry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  kind: 'read',
  partner: 'rheine-social',
  subject: 'case-worker-1',
  requestId: crypto.randomUUID(),
  categories: ['identity', 'residence'],
  fields: ['Person.givenName', 'Person.residenceStatus'],
  purpose: 'integration_management',
  basis: 'case_owner',
  operation: 'PersonView',
  detail: { code: 'OK' },
  ...over,
});

/** Own connection as the database superuser: what an operator (or attacker) with DB access has. */
async function asSuperuser<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const seqs = () =>
  asSuperuser(async (c) =>
    (await c.query('SELECT seq::int AS seq FROM audit.entry ORDER BY seq')).rows.map((r) => r.seq as number),
  );
const ds = () => app.container.subgraphs.city.dataSource;

describe('appending', () => {
  it('appends with a hash chain from the genesis hash, and verify recomputes it', async () => {
    await audit.appendNow([entry(), entry({ kind: 'write', operation: 'MovePerson' })]);
    // In a caller's transaction on another subgraph's DataSource: queries are schema-qualified.
    await ds().transaction((em) =>
      audit.append(em, [entry({ kind: 'system', partner: 'system', subject: 'relay', purpose: null, basis: null })]),
    );
    const rows = await asSuperuser(
      async (c) => (await c.query(`SELECT ${CHAIN_COLUMNS} FROM audit.entry e ORDER BY e.seq`)).rows as DbChainRow[],
    );
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3']);
    expect(rows[0].prev_hash).toBe(GENESIS);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    for (const r of rows) expect(entryHash(chainRowFromDb(r).row)).toBe(r.hash);
    expect(await audit.verify()).toEqual({ ok: true, rows: 3, head: rows[2].hash });
  });

  it('keeps seq gap-free and the chain intact under 20 concurrent appenders', async () => {
    const before = (await seqs()).length;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.appendNow(i % 3 === 0 ? [entry(), entry()] : [entry({ partner: `p${i}` })]),
      ),
    );
    const after = await seqs();
    const expected = before + 20 + 7; // seven calls (i = 0, 3, …, 18) append two entries
    expect(after).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    const res = await audit.verify({ batch: 4 }); // several batches
    expect(res).toMatchObject({ ok: true, rows: expected });
  });

  it('appends nothing when the caller rolls back, and refuses to run outside a transaction', async () => {
    const before = await seqs();
    await expect(
      ds().transaction(async (em) => {
        await audit.append(em, [entry({ kind: 'write' })]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await seqs()).toEqual(before);
    await expect(audit.append(ds().manager, [entry()])).rejects.toThrow(/inside a transaction/);
    await expect(audit.appendNow([entry({ kind: 'bogus' as never })])).rejects.toThrow(/unknown kind/);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the normal connection', async () => {
    await expect(ds().query(`UPDATE audit.entry SET partner = 'x' WHERE seq = 1`)).rejects.toThrow(
      /permission denied|insert-only: UPDATE refused/,
    );
    await expect(ds().query('DELETE FROM audit.entry WHERE seq = 1')).rejects.toThrow(
      /permission denied|insert-only: DELETE refused/,
    );
    await expect(ds().query('TRUNCATE audit.entry')).rejects.toThrow(/permission denied|insert-only: TRUNCATE refused/);
    expect((await audit.verify()).ok).toBe(true);
  });
});

describe('persons', () => {
  it('stores a pseudonym, never the raw person id', async () => {
    const personId = crypto.randomUUID();
    await audit.appendNow([entry({ personId }), entry({ personId: personId.toUpperCase(), kind: 'write' })]);
    const text = await asSuperuser(
      async (c) => (await c.query(`SELECT string_agg(e::text, E'\\n') AS t FROM audit.entry e`)).rows[0].t as string,
    );
    expect(text.toLowerCase()).not.toContain(personId.toLowerCase());
    expect(text.toLowerCase()).not.toContain(personId.replace(/-/g, '').toLowerCase());
    const refs = await asSuperuser(
      async (c) => (await c.query('SELECT DISTINCT person_ref FROM audit.entry WHERE person_ref IS NOT NULL')).rows,
    );
    expect(refs).toEqual([{ person_ref: audit.pseudonym(personId) }]);
    expect(audit.pseudonym(personId)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports who processed one person, newest first, and nothing of another', async () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    await audit.appendNow([entry({ personId: a, partner: 'rheine-social', categories: ['identity'] })]);
    await audit.appendNow([entry({ personId: b, partner: 'jobcenter-steinfurt' })]);
    await audit.appendNow([
      entry({
        personId: a,
        partner: 'rheine-abh',
        kind: 'write',
        basis: 'legal_basis:8d1c',
        operation: 'RecordResidenceStatus',
      }),
    ]);
    await audit.appendNow([
      entry({
        personId: a,
        partner: 'caritas-rheine',
        kind: 'denied',
        purpose: 'counselling',
        basis: null,
        categories: ['health'],
      }),
    ]);

    const report = await audit.accessReport(a, {});
    expect(report.map((r) => [r.partner, r.kind])).toEqual([
      ['caritas-rheine', 'denied'],
      ['rheine-abh', 'write'],
      ['rheine-social', 'read'],
    ]);
    expect(report[0]).toEqual({
      at: expect.any(Date),
      partner: 'caritas-rheine',
      kind: 'denied',
      categories: ['health'],
      purpose: 'counselling',
      basis: null,
      operation: 'PersonView',
    });
    expect(report[1]).toMatchObject({ basis: 'legal_basis:8d1c', operation: 'RecordResidenceStatus' });
    expect((await audit.accessReport(b, {})).map((r) => r.partner)).toEqual(['jobcenter-steinfurt']);
    expect(await audit.accessReport(a, { first: 1 })).toHaveLength(1);
    expect(await audit.accessReport(a, { since: new Date(Date.now() + 60_000) })).toEqual([]);
  });
});

describe('tampering', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let cpFile: string;
  let cpBefore: Checkpoint;
  const queuePrefix = `lotse-audit-${crypto.randomBytes(4).toString('hex')}`;
  const cli = (...args: string[]) => runCli(['audit', ...args], env, 60_000);
  const superuser = (sql: string, params: unknown[] = []) => asSuperuser((c) => c.query(sql, params));

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist/src/audit/audit.service.js')))
      throw new Error('dist/ has no audit module: run "npm run build" first');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-audit-'));
    cpFile = path.join(tmp, 'checkpoint.json');
    // development, not test: the test environment draws a new internal secret (so new checkpoint
    // key) per process, and checkpoint / verify-checkpoint run in separate processes.
    env = cliEnv(app, tmp, { queuePrefix });
  });
  afterAll(async () => {
    await flushPrefix(queuePrefix);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('an intact log verifies through the CLI, and checkpoints hold', async () => {
    const verified = await cli('verify');
    expect(verified.code).toBe(0);
    const head = await audit.verify();
    expect(verified.stdout.trim()).toBe(
      `audit log intact: ${head.ok && head.rows} rows, head ${head.ok && head.head}; no stored checkpoint yet`,
    );

    cpBefore = await audit.checkpoint();
    expect(await audit.verifyCheckpoint(cpBefore)).toEqual({ ok: true });
    expect(await audit.verifyCheckpoint({ ...cpBefore, rows: cpBefore.rows - 1 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/signature/),
    });

    expect((await cli('checkpoint', '--out', cpFile)).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(cpFile, 'utf8'))).toMatchObject({
      seq: cpBefore.seq,
      head: cpBefore.head,
      rows: cpBefore.rows,
    });
    const held = await cli('verify-checkpoint', cpFile);
    expect({ code: held.code, out: held.stdout.trim() }).toEqual({
      code: 0,
      out: `checkpoint holds: row ${cpBefore.seq}, head ${cpBefore.head}`,
    });
  });

  it('detects an UPDATE made with the trigger disabled, at that row', async () => {
    const original = (await superuser('SELECT partner FROM audit.entry WHERE seq = 3')).rows[0].partner as string;
    const setPartner = (partner: string) =>
      asSuperuser(async (c) => {
        await c.query('ALTER TABLE audit.entry DISABLE TRIGGER ALL');
        await c.query('UPDATE audit.entry SET partner = $1 WHERE seq = 3', [partner]);
        await c.query('ALTER TABLE audit.entry ENABLE TRIGGER ALL');
      });
    await setPartner('x');
    expect(await audit.verify()).toMatchObject({
      ok: false,
      rows: 2,
      brokenAt: 3,
      reason: expect.stringMatching(/hash does not match/),
    });
    const res = await cli('verify');
    expect({ code: res.code, out: res.stdout.trim() }).toEqual({
      code: 1,
      out: 'audit log BROKEN at row 3: hash does not match the row contents',
    });
    expect((await audit.verifyCheckpoint(cpBefore)).ok).toBe(false);

    await setPartner(original); // undo, so the next case starts from an intact chain
    expect((await audit.verify()).ok).toBe(true);
  });

  it('detects a DELETE made with session_replication_role = replica, at that row', async () => {
    await asSuperuser(async (c) => {
      await c.query('CREATE TEMP TABLE saved AS SELECT * FROM audit.entry WHERE seq = 5');
      await c.query('SET session_replication_role = replica');
      expect((await c.query('DELETE FROM audit.entry WHERE seq = 5')).rowCount).toBe(1);
      await c.query('SET session_replication_role = DEFAULT');
      expect(await audit.verify()).toMatchObject({
        ok: false,
        rows: 4,
        brokenAt: 5,
        reason: 'row 5 is missing (next row is 6)',
      });
      const res = await cli('verify');
      expect({ code: res.code, out: res.stdout.trim() }).toEqual({
        code: 1,
        out: 'audit log BROKEN at row 5: row 5 is missing (next row is 6)',
      });
      await c.query('INSERT INTO audit.entry SELECT * FROM saved'); // inserts are allowed
    });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('a consistent rewrite of the whole chain passes verify but not a checkpoint taken before', async () => {
    await asSuperuser(async (c) => {
      const rows = (await c.query(`SELECT ${CHAIN_COLUMNS} FROM audit.entry e ORDER BY e.seq`)).rows as DbChainRow[];
      await c.query('BEGIN');
      await c.query('ALTER TABLE audit.entry DISABLE TRIGGER ALL');
      let prev = GENESIS;
      for (const r of rows) {
        const { row } = chainRowFromDb(r);
        if (row.seq === 2) row.partner = 'someone-else';
        row.prev_hash = prev;
        prev = entryHash(row);
        await c.query('UPDATE audit.entry SET partner = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [
          r.seq,
          row.partner,
          row.prev_hash,
          prev,
        ]);
      }
      await c.query('ALTER TABLE audit.entry ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    });
    expect(await audit.verify()).toMatchObject({ ok: true, rows: cpBefore.rows });
    expect(await audit.verifyCheckpoint(cpBefore)).toEqual({
      ok: false,
      reason: expect.stringMatching(new RegExp(`^row ${cpBefore.seq} has hash .* history was rewritten$`)),
    });
    expect((await cli('verify')).code).toBe(0);
    const res = await cli('verify-checkpoint', cpFile);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/checkpoint does NOT hold: row \d+ has hash/);
  });

  it('a deleted head passes verify (nothing follows it) but not the checkpoint that signed it', async () => {
    const cp = await audit.checkpoint();
    await superuser(`SET session_replication_role = replica; DELETE FROM audit.entry WHERE seq = ${cp.seq}`);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: cp.rows - 1 });
    expect(await audit.verifyCheckpoint(cp)).toEqual({ ok: false, reason: `row ${cp.seq} no longer exists` });
  });
});
