/**
 * Stored checkpoints close what the hash chain alone leaves open: a deleted tail and a chain
 * recomputed consistently from some row on both verify as a chain. The scheduled `checkpoint` job
 * stores a signed checkpoint; `verify` holds the chain against the newest one. A fresh database
 * for this file (the superuser tampering touches nothing else); tests run in order on one chain.
 * The CLI part runs the BUILT program (`npm run build` first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from 'bullmq';
import { Client } from 'pg';
import { AuditEntryInput, AuditLog } from '../../src/audit/audit.service';
import { loadConfig } from '../../src/config';
import { CHAIN_COLUMNS, chainRowFromDb, DbChainRow, entryHash } from '../../src/audit/chain';
import { AUDIT_CHECKPOINT_SCHEDULER_ID } from '../../workers/audit-checkpoint.worker';
import { MaintenanceWorker, startMaintenanceWorker } from '../../workers/retention.worker';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { auditEntry } from './audit.fixtures';
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

const entry = (over: Partial<AuditEntryInput> = {}) =>
  auditEntry({ purpose: 'case_management', basis: 'legal_basis:1', ...over });

const superuser = <T>(fn: (c: Client) => Promise<T>) => asSuperuser(app.db.url, fn);

const storedCheckpoints = () =>
  superuser(
    async (c) =>
      (await c.query('SELECT seq::int AS seq, rows::int AS rows, written_by FROM audit.checkpoint ORDER BY seq')).rows,
  );

/** Deletes rows from `seq` on (trigger bypassed) and returns them for restoring. */
const deleteFrom = (seq: number) =>
  superuser(async (c) => {
    const saved = (await c.query('SELECT * FROM audit.entry WHERE seq >= $1 ORDER BY seq', [seq])).rows;
    await c.query('SET session_replication_role = replica');
    await c.query('DELETE FROM audit.entry WHERE seq >= $1', [seq]);
    return saved;
  });
const restore = (rows: Array<Record<string, unknown>>) =>
  superuser(async (c) => {
    for (const r of rows) {
      const cols = Object.keys(r);
      await c.query(
        `INSERT INTO audit.entry (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((k) => r[k]),
      );
    }
  });

describe('the scheduled checkpoint job', () => {
  let worker: MaintenanceWorker | undefined;
  afterAll(async () => {
    await worker?.close();
  });

  it('is scheduled every AUDIT_CHECKPOINT_EVERY_MINUTES (default hourly) and stores a signed checkpoint of the head', async () => {
    expect(app.container.config.auditCheckpointEveryMinutes).toBe(60);
    await audit.appendNow([entry(), entry(), entry({ kind: 'write' })]);
    worker = await startMaintenanceWorker(app.container);
    expect(await worker.queue.getJobScheduler(AUDIT_CHECKPOINT_SCHEDULER_ID)).toMatchObject({
      name: 'checkpoint',
      every: 3_600_000,
    });
    // The first job runs at once, the next an hour later.
    const stored = await eventually(async () => {
      const rows = await storedCheckpoints();
      return rows.length ? rows : undefined;
    }, 20_000);
    expect(stored).toEqual([{ seq: 3, rows: 3, written_by: expect.stringMatching(/^job:/) }]);
    const res = await audit.verify();
    expect(res).toMatchObject({ ok: true, rows: 3, checkpoint: { seq: 3 } });
    // The stored checkpoint is an ordinary signed one: it can be exported and checked later.
    const latest = await audit.latestCheckpoint();
    expect(await audit.verifyCheckpoint(latest!)).toEqual({ ok: true });

    // Run again with nothing new: the head is checkpointed already, nothing is added.
    const again = await worker.queue.add('checkpoint', {});
    const done = await eventually(async () => {
      const j = await Job.fromId(worker!.queue, again.id!);
      return j?.finishedOn ? j : undefined;
    }, 20_000);
    expect(done.returnvalue).toEqual({ seq: 3, rows: 3, written: false });
    await worker.close();
    worker = undefined;
  });

  it('AUDIT_CHECKPOINT_EVERY_MINUTES is checked at start', () => {
    expect(loadConfig({ AUDIT_CHECKPOINT_EVERY_MINUTES: '15' }).auditCheckpointEveryMinutes).toBe(15);
    for (const bad of ['-1', 'hourly', '1.5', '99999'])
      expect(() => loadConfig({ AUDIT_CHECKPOINT_EVERY_MINUTES: bad })).toThrow(
        /AUDIT_CHECKPOINT_EVERY_MINUTES must be an integer between 0 and 10080/,
      );
  });

  it('AUDIT_CHECKPOINT_EVERY_MINUTES=0 removes the scheduler', async () => {
    const off = { ...app.container, config: { ...app.container.config, auditCheckpointEveryMinutes: 0 } };
    const w = await startMaintenanceWorker(off);
    try {
      expect(await w.queue.getJobScheduler(AUDIT_CHECKPOINT_SCHEDULER_ID)).toBeUndefined();
    } finally {
      await w.close();
    }
  });
});

describe('verify against the newest stored checkpoint', () => {
  it('fails, naming the checkpoint, when the last rows were deleted', async () => {
    await audit.appendNow([entry(), entry()]);
    expect((await audit.writeCheckpoint('test')).written).toBe(true); // row 5
    const saved = await deleteFrom(4);
    // The chain alone is fine: rows 1..3 link up.
    const res = await audit.verify();
    expect(res).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: expect.stringMatching(
        /^checkpoint of row 5 \(.+\) does not hold: the log ends at row 3, the checkpoint signed row 5: rows were deleted$/,
      ),
    });
    await restore(saved);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 5, checkpoint: { seq: 5 } });
  });

  it('fails when the chain was recomputed consistently from a row before the checkpoint', async () => {
    const original = await superuser(
      async (c) => (await c.query(`SELECT ${CHAIN_COLUMNS} FROM audit.entry e ORDER BY e.seq`)).rows as DbChainRow[],
    );
    const rewrite = (rows: DbChainRow[], change: (seq: number) => string | undefined) =>
      superuser(async (c) => {
        await c.query('BEGIN');
        await c.query('ALTER TABLE audit.entry DISABLE TRIGGER ALL');
        let prev = rows[0].prev_hash;
        for (const r of rows) {
          const { row } = chainRowFromDb(r);
          row.partner = change(row.seq) ?? row.partner;
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
    await rewrite(original, (seq) => (seq === 2 ? 'someone-else' : undefined));
    const res = await audit.verify();
    expect(res).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: expect.stringMatching(/^checkpoint of row 5 .* does not hold: row 5 has hash .* history was rewritten$/),
    });
    // The job refuses to sign such a chain.
    await expect(audit.writeCheckpoint('test')).rejects.toThrow(/audit log BROKEN at row 5/);
    await rewrite(original, () => undefined); // back to the original rows
    expect((await audit.verify()).ok).toBe(true);
  });

  it('fails when the stored checkpoint itself was edited', async () => {
    await superuser(async (c) => {
      await c.query('BEGIN');
      await c.query('ALTER TABLE audit.checkpoint DISABLE TRIGGER ALL');
      await c.query('UPDATE audit.checkpoint SET rows = rows - 1 WHERE seq = 5');
      await c.query('ALTER TABLE audit.checkpoint ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    });
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 5, reason: expect.stringMatching(/signature/) });
    await superuser(async (c) => {
      await c.query('BEGIN');
      await c.query('ALTER TABLE audit.checkpoint DISABLE TRIGGER ALL');
      await c.query('UPDATE audit.checkpoint SET rows = rows + 1 WHERE seq = 5');
      await c.query('ALTER TABLE audit.checkpoint ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('the window: rows appended after the newest checkpoint and deleted before the next are not caught', async () => {
    await audit.appendNow([entry(), entry()]); // rows 6, 7
    await deleteFrom(6);
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 5, checkpoint: { seq: 5 } });
  });

  it('after the key changed (new internal secret), checkpoints of the old key are not held against, new ones are', async () => {
    const rotated = new AuditLog(app.container.subgraphs.hub.dataSource, {
      pseudonymKey: 'p'.repeat(32),
      checkpointKey: 'n'.repeat(32),
      clock: app.container.clock,
    });
    const before = await audit.latestCheckpoint();
    expect(await rotated.latestCheckpoint()).toBeNull();
    expect(await rotated.verify()).toEqual({ ok: true, rows: 5, head: before!.head });
    expect((await rotated.writeCheckpoint('test')).written).toBe(true);
    expect(await rotated.verify()).toMatchObject({ ok: true, checkpoint: { seq: 5 } });
    expect(await audit.latestCheckpoint()).toEqual(before);
  });

  it('the table refuses UPDATE and DELETE on the normal connection', async () => {
    const ds = app.container.subgraphs.hub.dataSource;
    await expect(ds.query('UPDATE audit.checkpoint SET rows = 0')).rejects.toThrow(/permission denied|insert-only/);
    await expect(ds.query('DELETE FROM audit.checkpoint')).rejects.toThrow(/permission denied|insert-only/);
  });
});

describe('lotse audit verify', () => {
  it('reports the checkpoint it held the chain against, and fails naming it after tampering', async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/workers/audit-checkpoint.worker.js')))
      throw new Error('dist/ is older than this test: run "npm run build" first');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-audit-cli-'));
    // The same secret as the app, so the same checkpoint key.
    const env = cliEnv(app, dataDir, { shareSecret: true });
    try {
      const ok = await runCli(['audit', 'verify'], env, 60_000);
      expect({ code: ok.code, out: ok.stdout.trim() }).toEqual({
        code: 0,
        out: expect.stringMatching(/^audit log intact: 5 rows, head [0-9a-f]{64}; checkpoint of row 5 \(.+\) holds$/),
      });
      const stored = await runCli(['audit', 'checkpoint', '--store'], env, 60_000);
      expect(stored.code).toBe(0);
      expect(stored.stderr).toMatch(/already checkpointed/);

      const saved = await deleteFrom(5);
      const broken = await runCli(['audit', 'verify'], env, 60_000);
      expect({ code: broken.code, out: broken.stdout.trim() }).toEqual({
        code: 1,
        out: expect.stringMatching(
          /^audit log BROKEN at row 5: checkpoint of row 5 \(.+\) does not hold: the log ends at row 4, the checkpoint signed row 5: rows were deleted$/,
        ),
      });
      await restore(saved);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
