/**
 * appendNow group-commits: calls made while a flush is in flight go together in the next
 * transaction. The number of append transactions is read from the rows' xmin (the id of the
 * transaction that inserted them): one per appendNow call before, one per batch now.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit.service';
import { createDataSource } from '../../src/shared/database';
import { systemClock } from '../../src/shared/time';
import { startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { auditEntry } from './audit.fixtures';

jest.setTimeout(120_000);

let app: TestApp;
let audit: AuditLog;
const extra: DataSource[] = [];

beforeAll(async () => {
  app = await startTestApp({ gateway: false });
  audit = app.container.audit;
});
afterAll(async () => {
  for (const ds of extra) if (ds.isInitialized) await ds.destroy();
  await app?.stop();
});

const KEYS = { pseudonymKey: 'p'.repeat(32), checkpointKey: 'c'.repeat(32), clock: systemClock };

/** Another AuditLog on its own DataSource (pool) on the same database, as another process has. */
async function otherProcess(opts: { maxBatchEntries?: number } = {}): Promise<{ log: AuditLog; ds: DataSource }> {
  const ds = createDataSource({
    url: app.db.url,
    schema: 'audit',
    entities: [],
    migrations: [],
    poolSize: 3,
    applicationName: 'lotse-audit-other',
  });
  extra.push(ds);
  await ds.initialize();
  return { log: new AuditLog(ds, { ...KEYS, ...opts }), ds };
}

const entry = auditEntry;

const superuser = <T>(fn: (c: Client) => Promise<T>) => asSuperuser(app.db.url, fn);

/** request_id → the transaction (xmin) that inserted it, for the given request ids. */
const rowsOf = (requestIds: string[]) =>
  superuser(
    async (c) =>
      (
        await c.query(
          'SELECT request_id, xmin::text AS tx FROM audit.entry WHERE request_id = ANY($1::text[]) ORDER BY seq',
          [requestIds],
        )
      ).rows as Array<{ request_id: string; tx: string }>,
  );
const cityDs = () => app.container.subgraphs.city.dataSource;

it('concurrent appenders in two processes and write transactions: one intact chain, each entry once, few transactions', async () => {
  const other = await otherProcess();
  const reads = Array.from({ length: 200 }, () => entry());
  const writes = Array.from({ length: 10 }, () => entry({ kind: 'write', operation: 'MovePerson' }));
  await Promise.all([
    ...reads.map((e, i) => (i % 2 ? audit : other.log).appendNow([e])),
    // Writes append in their own transaction, atomic with the change, while reads are batched.
    ...writes.map((e) =>
      cityDs().transaction(async (em) => {
        await em.query('SELECT 1');
        await audit.append(em, [e]);
      }),
    ),
  ]);

  const readIds = reads.map((e) => e.requestId);
  const writeIds = writes.map((e) => e.requestId);
  const readRows = await rowsOf(readIds);
  const writeRows = await rowsOf(writeIds);
  expect(readRows.map((r) => r.request_id).sort()).toEqual([...readIds].sort());
  expect(writeRows.map((r) => r.request_id).sort()).toEqual([...writeIds].sort());
  expect(await audit.verify()).toMatchObject({ ok: true, rows: 210 });

  const readTransactions = new Set(readRows.map((r) => r.tx)).size;
  // One transaction per call before group commit (200); a handful of batches per process now.
  expect(readTransactions).toBeLessThanOrEqual(20);
  // Each write kept its own transaction, none shared with a read batch.
  const writeTransactions = new Set(writeRows.map((r) => r.tx));
  expect(writeTransactions.size).toBe(10);
  for (const r of readRows) expect(writeTransactions.has(r.tx)).toBe(false);
});

it('caps a batch at maxBatchEntries, keeping each call whole', async () => {
  const { log } = await otherProcess({ maxBatchEntries: 5 });
  const singles = Array.from({ length: 12 }, () => [entry()]);
  const seven = Array.from({ length: 7 }, () => entry());
  await Promise.all([...singles.slice(0, 6), seven, ...singles.slice(6)].map((entries) => log.appendNow(entries)));

  const rows = await rowsOf([...singles.flat(), ...seven].map((e) => e.requestId));
  expect(rows).toHaveLength(19);
  const sizes = new Map<string, string[]>();
  for (const r of rows) sizes.set(r.tx, [...(sizes.get(r.tx) ?? []), r.request_id]);
  const batches = [...sizes.values()];
  // The seven go in one transaction of their own; no other batch exceeds five entries.
  const withSeven = batches.filter((b) => b.some((id) => seven.some((e) => e.requestId === id)));
  expect(withSeven).toEqual([seven.map((e) => e.requestId)]);
  for (const b of batches) if (b !== withSeven[0]) expect(b.length).toBeLessThanOrEqual(5);
  // Batched at all: fewer transactions than calls.
  expect(batches.length).toBeLessThan(13);
  expect((await audit.verify()).ok).toBe(true);
});

it('one invalid entry rejects only its own call; the others in the same batch commit', async () => {
  const good = [entry(), entry(), entry()];
  const results = await Promise.allSettled([
    audit.appendNow([good[0]]),
    audit.appendNow([good[1], entry({ kind: 'bogus' as never })]),
    audit.appendNow([good[2]]),
    audit.appendNow([entry({ requestId: '' })]),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('AuditLog: unknown kind "bogus"'));
  expect((results[3] as PromiseRejectedResult).reason).toEqual(new Error('AuditLog: requestId is required'));
  // The rejected call's valid entry is not written either: a call is all or nothing.
  expect((await rowsOf(good.map((e) => e.requestId))).map((r) => r.request_id).sort()).toEqual(
    [good[0].requestId, good[2].requestId].sort(),
  );
  expect((await audit.verify()).ok).toBe(true);
});

it('a failing flush rejects every call in its batch, and the next batch commits', async () => {
  // A row the database refuses (the app's validation lets it through) fails the whole transaction.
  await superuser((c) =>
    c.query(`CREATE FUNCTION audit.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.partner = 'refused-by-db' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_refuse BEFORE INSERT ON audit.entry FOR EACH ROW EXECUTE FUNCTION audit.test_refuse()`),
  );
  try {
    const before = await audit.verify();
    const batch = [entry(), entry({ partner: 'refused-by-db' }), entry()];
    const results = await Promise.allSettled(batch.map((e) => audit.appendNow([e])));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
      expect.stringMatching(/refused by test trigger/),
      expect.stringMatching(/refused by test trigger/),
      expect.stringMatching(/refused by test trigger/),
    ]);
    expect(await rowsOf(batch.map((e) => e.requestId))).toEqual([]);

    const next = entry();
    await audit.appendNow([next]);
    expect(await rowsOf([next.requestId])).toHaveLength(1);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: (before.ok ? before.rows : NaN) + 1 });
  } finally {
    await superuser((c) => c.query('DROP TRIGGER test_refuse ON audit.entry; DROP FUNCTION audit.test_refuse()'));
  }
});

it('a flush that cannot start (the DataSource is gone) rejects everyone waiting, and does not retry forever', async () => {
  const { log, ds } = await otherProcess();
  await log.appendNow([entry()]); // it worked while connected
  await ds.destroy();
  const results = await Promise.allSettled([log.appendNow([entry()]), log.appendNow([entry()])]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  // Nothing left queued: a later call gets its own answer, not a hang.
  await expect(log.appendNow([entry()])).rejects.toThrow();
  expect((await audit.verify()).ok).toBe(true);
});
