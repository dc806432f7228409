import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FACT_KINDS } from '../../src/subgraphs/hub/indicator/indicator-facts.service';
import { Clock } from '../../src/shared/time';
import {
  createCourse,
  createReferral,
  enrolPerson,
  openCase,
  registerCourseProvider,
  registerPerson,
  withAppointment,
  withGoal,
} from '../factories';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { cliEnv, ROOT, runCli } from '../helpers/lotse-process';
import { afterJob, eventHandled } from '../helpers/wait';
import { factRow, factRows, sqlAs } from './facts.support';

/**
 * The indicator facts kept current by the events worker, rebuilt from the sources with the same
 * result, and gone with the case retention erases.
 */
describe('indicator facts from the events worker, rebuilt', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  const hub = () => app.container.subgraphs.hub;
  const allHandled = () =>
    eventually(async () => {
      for (const s of ['city', 'courses', 'hub'] as const) {
        const [row] = await app.container.subgraphs[s].dataSource.query(
          `SELECT count(*)::int AS n FROM "${s}".outbox WHERE acked_at IS NULL`,
        );
        if (row.n > 0) return false;
      }
      return true;
    }, 30000);

  it('the events worker refreshes the fact a case event touches', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    const [opened] = await sqlAs(
      app,
      'city',
      `SELECT id FROM city.outbox WHERE type = 'case.opened' AND aggregate_id = $1`,
      [c.id],
    );
    await eventHandled(app, 'city', opened.id);
    expect(await factRow(app, 'case', c.id)).toMatchObject({ appointments_due: 0, goals_agreed: 0, closure: null });
  });

  it('rebuild gives the rows the events worker made, and drops rows whose record is gone', async () => {
    const p = await registerPerson(app, 'rheine-social', { sex: 'female' as never });
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    await withGoal(app, c, { domain: 'housing', status: 'reached' });
    await withAppointment(app, c, { scheduledAt: new Date('2026-02-02T09:00:00Z'), status: 'kept' });
    const provider = await registerCourseProvider(app, 'vhs-rheine');
    const course = await createCourse(app, 'vhs-rheine', { providerId: provider.id });
    await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: p.id, apprentice: true });
    await createReferral(app, 'jobcenter-steinfurt', { personId: p.id });
    await allHandled();
    // Goals and appointments written without an event: refresh the case once more through its event.
    const [opened] = await sqlAs(
      app,
      'city',
      `SELECT * FROM city.outbox WHERE type = 'case.opened' AND aggregate_id = $1`,
      [c.id],
    );
    await app.container.rowSecurity.system('test', () =>
      hub().services.indicatorFacts.forEvent({
        type: opened.type,
        aggregateType: opened.aggregate_type,
        aggregateId: opened.aggregate_id,
        payload: opened.payload,
      }),
    );

    const incremental = Object.fromEntries(await Promise.all(FACT_KINDS.map(async (k) => [k, await factRows(app, k)])));
    expect(Object.keys(incremental.case)).toContain(c.id);
    expect(incremental.case[c.id]).toMatchObject({ goals_agreed: 1, goals_reached: 1, appointments_kept: 1 });
    expect(Object.keys(incremental.enrolment)).toHaveLength(1);
    expect(Object.keys(incremental.referral).length).toBeGreaterThan(0);
    // A row whose record does not exist (erased, or never there): rebuild removes it.
    const stray = randomUUID();
    await hub().dataSource.query(
      `INSERT INTO hub.indicator_case (case_id, owner, municipality_key, person_id, track, opened_on, refreshed_at)
       VALUES ($1, 'rheine-social', '05566076', $2, 'standard', '2020-01-01', now())`,
      [stray, p.id],
    );
    // Half the facts lost (a first deployment has none): rebuild restores every row.
    await hub().dataSource.query(`DELETE FROM hub.indicator_enrolment`);
    await hub().dataSource.query(`UPDATE hub.indicator_case SET goals_reached = 0`);
    const progress: string[] = [];
    const counts = await app.container.rowSecurity.system('test', () =>
      hub().services.indicatorFacts.rebuild((kind, done) => progress.push(`${kind}:${done}`)),
    );
    expect(counts.case.deleted).toBe(1);
    expect(counts.enrolment.upserted).toBe(1);
    expect(progress).toEqual(expect.arrayContaining([`case:${Object.keys(incremental.case).length}`, 'enrolment:1']));
    for (const k of FACT_KINDS) expect(await factRows(app, k)).toEqual(incremental[k]);
  });

  it('the nightly maintenance job rebuilds what changed without an event', async () => {
    const before = Object.fromEntries(await Promise.all(FACT_KINDS.map(async (k) => [k, await factRows(app, k)])));
    expect(Object.keys(before.case).length).toBeGreaterThan(0);
    // As if a change had reached no event: the facts are wrong until the nightly job runs.
    await hub().dataSource.query(`UPDATE hub.indicator_case SET appointments_due = 0, appointments_kept = 0`);
    await hub().dataSource.query(`DELETE FROM hub.indicator_enrolment`);
    const worker = app.workers!.workers.find((w) => w.name === 'maintenance')!;
    const result = await afterJob(worker, 'indicator-facts-test', () =>
      app.container.queues.maintenance.add('indicatorFacts', {}, { jobId: 'indicator-facts-test' }),
    );
    expect(result).toMatchObject({ counts: { enrolment: { upserted: Object.keys(before.enrolment).length } } });
    for (const k of FACT_KINDS) expect(await factRows(app, k)).toEqual(before[k]);
  });
});

/** Retention erases a closed case (its default rule: 10 years after closure): its fact goes with it. */
describe('indicator facts after retention', () => {
  const clock: Clock = { now: () => new Date('2030-03-01T10:00:00.000Z') };
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock, env: { RETENTION_ENABLED: 'true' } });
  });
  afterAll(() => app?.stop());

  it('deletes the fact of an erased case, keeps the one of a case not yet due', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const ids: string[] = [];
    for (const closedAt of ['2018-06-01T10:00:00Z', '2025-06-01T10:00:00Z']) {
      const id = randomUUID();
      await sqlAs(
        app,
        'city',
        `INSERT INTO city.client_case (id, person_id, partner, worker_ref, phase, track, opened_at, closed_at, closure_kind, version, created_at, updated_at)
         VALUES ($1, $2, 'rheine-social', 'cm-1', 'closed', 'standard', '2018-01-01', $3, 'planned', 1, '2018-01-01', $3)`,
        [id, p.id, closedAt],
      );
      ids.push(id);
    }
    const facts = app.container.subgraphs.hub.services.indicatorFacts;
    await app.container.rowSecurity.system('test', () => facts.rebuild());
    expect(await factRow(app, 'case', ids[0])).toMatchObject({ closure: 'planned', closed_on: '2018-06-01' });
    const [summary] = (await app.container.retention.run()).filter((s) => s.recordType === 'case');
    expect(summary.erased).toBe(1);
    expect(await factRow(app, 'case', ids[0])).toBeUndefined();
    expect(await factRow(app, 'case', ids[1])).toMatchObject({ closure: 'planned', closed_on: '2025-06-01' });
  });
});

describe('lotse indicators rebuild (built CLI)', () => {
  const queuePrefix = `lotse-test-indicators-${process.pid}`;
  let app: TestApp;
  let tmp: string;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/src/subgraphs/hub/indicator/indicator-facts.service.js')))
      throw new Error('dist/ has no indicator facts: run "npm run build" first');
    app = await startTestApp();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-indicators-'));
  });
  afterAll(async () => {
    await flushPrefix(queuePrefix);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await app?.stop();
  });

  it('recomputes the facts: progress on stderr, one JSON line of counts per kind on stdout', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    expect(await factRow(app, 'case', c.id)).toBeUndefined();
    const res = await runCli(['indicators', 'rebuild'], cliEnv(app, tmp, { queuePrefix }), 60_000);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^case: 1$/m);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { kind: 'arrival_visit', upserted: 0, deleted: 0 },
      { kind: 'course', upserted: 0, deleted: 0 },
      { kind: 'enrolment', upserted: 0, deleted: 0 },
      { kind: 'case', upserted: 1, deleted: 0 },
      { kind: 'referral', upserted: 0, deleted: 0 },
    ]);
    expect(await factRow(app, 'case', c.id)).toMatchObject({ person_id: p.id, closure: null });
    const usage = await runCli(['indicators'], cliEnv(app, tmp, { queuePrefix }), 60_000);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/lotse indicators needs: rebuild/);
  });
});
