/**
 * Retention of closed cases, arrival visits and feedback links (src/retention/tasks/city-*.task.ts)
 * against the real database, with a fixed clock in 2030. Rows are written directly as the
 * database superuser with the dates a test needs (closed_at, planned_on, month); the rules are
 * the migration's illustrative defaults: cases 10 years after closure, visits 3 years after
 * their last day, feedback links 2 years after the feedback month. Tests run in order.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { RetentionTaskSummary } from '../../src/retention/retention.types';
import { CASE_CHILD_TABLES } from '../../src/retention/tasks/city-case.task';
import { CityCaseRetention1765510000001 } from '../../src/subgraphs/city/migrations/1765510000001-city-case-retention';
import { HubRetentionCases1765510000000 } from '../../src/subgraphs/hub/migrations/1765510000000-hub-retention-cases';
import { systemActor } from '../../src/shared/actor';
import { Clock } from '../../src/shared/time';
import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

jest.setTimeout(120_000);

const RUN = '2030-03-01T10:00:00.000Z';
const clock: Clock = { now: () => new Date(RUN) };

let app: TestApp;
const social = () => ({ ...systemActor(), partner: 'rheine-social' });

/** Own connection as the database superuser: sees everything, as an auditor would. */
async function sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end();
  }
}
const count = async (query: string, params: unknown[] = []) => Number((await sql<{ n: number }>(query, params))[0].n);

/** A case with one row in each child table; closed at `closedAt`, or open when null. */
async function caseWithRows(personId: string, closedAt: string | null): Promise<string> {
  const id = randomUUID();
  await sql(
    `INSERT INTO city.client_case (id, person_id, partner, worker_ref, phase, track, opened_at, closed_at, closure_kind, version, created_at, updated_at)
     VALUES ($1, $2, 'rheine-social', 'cm-1', $3, 'standard', '2018-01-01', $4::timestamptz, $5, 1, '2018-01-01', coalesce($4::timestamptz, '2018-01-01'))`,
    [id, personId, closedAt ? 'closed' : 'monitoring', closedAt, closedAt ? 'planned' : null],
  );
  await sql(
    `INSERT INTO city.case_assessment (id, case_id, person_id, domain, problems, resources, situation, assessed_on, recorded_at)
     VALUES ($1, $2, $3, 'health', '{}', '{}', NULL, '2018-01-08', '2018-01-08')`,
    [randomUUID(), id, personId],
  );
  const goal = randomUUID();
  await sql(
    `INSERT INTO city.case_goal (id, case_id, person_id, domain, wording, agreed_on, status, created_at, updated_at)
     VALUES ($1, $2, $3, 'education', 'Ziel', '2018-01-10', 'reached', '2018-01-10', '2018-01-10')`,
    [goal, id, personId],
  );
  await sql(
    `INSERT INTO city.case_appointment (id, case_id, person_id, scheduled_at, status, recorded_at, created_at)
     VALUES ($1, $2, $3, '2018-02-01T09:00:00Z', 'kept', '2018-02-01T09:00:00Z', '2018-01-10')`,
    [randomUUID(), id, personId],
  );
  await sql(
    `INSERT INTO city.case_help_plan_item (id, case_id, person_id, goal_id, service, provider, created_at)
     VALUES ($1, $2, $3, $4, 'language_course', 'vhs-rheine', '2018-01-12')`,
    [randomUUID(), id, personId, goal],
  );
  return id;
}

/** The rows a case has in its own table and every child table. */
async function caseRows(caseId: string): Promise<number> {
  let n = await count('SELECT count(*)::int AS n FROM city.client_case WHERE id = $1', [caseId]);
  for (const t of CASE_CHILD_TABLES)
    n += await count(`SELECT count(*)::int AS n FROM city.${t} WHERE case_id = $1`, [caseId]);
  return n;
}

/** A visit that did not take place on `plannedOn`, or one held on `heldOn` with an optional follow-up day. */
async function visit(
  personId: string,
  v: { plannedOn: string; heldOn?: string; followUpOn?: string },
): Promise<string> {
  const id = randomUUID();
  const held = Boolean(v.heldOn);
  await sql(
    `INSERT INTO city.arrival_visit (id, person_id, family_id, partner, status, first_planned_on, planned_on, took_place_as_planned,
       not_held_reason, held_on, follow_up_due_on, follow_up_kind, follow_up_on, follow_up_source, follow_up_in_time, created_at, updated_at)
     VALUES ($1, $2, $2, 'rheine-social', $3, $4::date, $4::date, $5, $6, $7::date, $8::date, $9, $10::date, $11, $12, '2018-01-01', '2018-01-01')`,
    [
      id,
      personId,
      held ? 'took_place' : 'did_not_take_place',
      v.plannedOn,
      held,
      held ? null : 'not_reached',
      v.heldOn ?? null,
      held ? v.heldOn : null,
      v.followUpOn ? 'district_office' : null,
      v.followUpOn ?? null,
      v.followUpOn ? 'recorded' : null,
      v.followUpOn ? true : null,
    ],
  );
  return id;
}

/** Anonymous feedback of `month` linked to the person; returns the feedback id. */
async function linkedFeedback(personId: string, month: string): Promise<string> {
  const id = randomUUID();
  await sql(
    `INSERT INTO city.client_feedback (id, offer, helpful, understood, collected_by, month) VALUES ($1, 'case_management', 4, 5, 'rheine-social', $2)`,
    [id, month],
  );
  await sql(
    `INSERT INTO city.feedback_person_link (feedback_id, person_id, consent_id, partner) VALUES ($1, $2, $3, 'rheine-social')`,
    [id, personId, randomUUID()],
  );
  return id;
}

const ids: Record<string, string> = {};
const byTask = (summaries: RetentionTaskSummary[]) => Object.fromEntries(summaries.map((s) => [s.task, s]));
const erasures = (task: string) =>
  sql(`SELECT * FROM audit.entry WHERE kind = 'erasure' AND detail->>'task' = $1 ORDER BY seq`, [task]);

beforeAll(async () => {
  app = await startTestApp({ gateway: false, clock });
  const a = await registerPerson(app, social(), { familyName: 'Alpha' });
  const b = await registerPerson(app, social(), { familyName: 'Bravo' });
  Object.assign(ids, { a: a.id, b: b.id });
  // Closed in 2019: due in 2029. Closed in 2025: not yet. Open since 2018: never.
  ids.oldCase = await caseWithRows(a.id, '2019-06-30T12:00:00Z');
  ids.oldCase2 = await caseWithRows(a.id, '2019-09-30T12:00:00Z');
  ids.recentCase = await caseWithRows(b.id, '2025-06-30T12:00:00Z');
  ids.openCase = await caseWithRows(b.id, null);
  // Visits, 3 years from the last day: 2026-01-10 is past; held 2028 is not; held 2026 with a follow-up in 2027-06 is not.
  ids.oldVisit = await visit(a.id, { plannedOn: '2026-01-10' });
  ids.recentVisit = await visit(b.id, { plannedOn: '2028-06-01', heldOn: '2028-06-01' });
  ids.followedUpVisit = await visit(a.id, { plannedOn: '2026-05-01', heldOn: '2026-05-01', followUpOn: '2027-06-01' });
  // Feedback links, 2 years from the month: 2027-01 is past, 2029-01 is not.
  ids.oldFeedback = await linkedFeedback(a.id, '2027-01-01');
  ids.recentFeedback = await linkedFeedback(b.id, '2029-01-01');
});
afterAll(async () => {
  await app?.stop();
});

describe('retention of cases, arrival visits and feedback links', () => {
  it('the migration seeds one valid rule per new record type, under case_notes', async () => {
    const rules = await app.container.retention.rules();
    for (const [recordType, retainDays] of [
      ['case', 3650],
      ['arrival_visit', 1095],
      ['feedback_link', 730],
    ] as const)
      expect(rules.filter((r) => r.recordType === recordType)).toEqual([
        expect.objectContaining({ category: 'case_notes', purpose: null, retainDays, action: 'erase' }),
      ]);
  });

  it('dry run: counts what is due and changes nothing', async () => {
    const before = await sql(
      `SELECT (SELECT count(*) FROM city.client_case) AS cases, (SELECT count(*) FROM city.case_goal) AS goals,
              (SELECT count(*) FROM city.arrival_visit) AS visits, (SELECT count(*) FROM city.feedback_person_link) AS links,
              (SELECT count(*) FROM audit.entry) AS audit`,
    );
    const t = byTask(await app.container.retention.run({ dryRun: true }));
    expect(t['city.client_case']).toMatchObject({ dryRun: true, erased: 2, persons: 1, batches: 0, auditEntries: 0 });
    expect(t['city.arrival_visit']).toMatchObject({ dryRun: true, erased: 1, persons: 1 });
    expect(t['city.feedback_person_link']).toMatchObject({ dryRun: true, erased: 1, persons: 1 });
    expect(
      await sql(
        `SELECT (SELECT count(*) FROM city.client_case) AS cases, (SELECT count(*) FROM city.case_goal) AS goals,
                (SELECT count(*) FROM city.arrival_visit) AS visits, (SELECT count(*) FROM city.feedback_person_link) AS links,
                (SELECT count(*) FROM audit.entry) AS audit`,
      ),
    ).toEqual(before);
  });

  it('a case that cannot be deleted rolls back its whole batch: no child row gone, no audit entry', async () => {
    // A table this task does not know refers to a due case: its delete fails on the foreign key.
    const blocked = await caseWithRows(ids.b, '2019-01-31T12:00:00Z');
    await sql('CREATE TABLE city.retention_test_ref (case_id uuid REFERENCES city.client_case(id))');
    try {
      await sql('INSERT INTO city.retention_test_ref VALUES ($1)', [blocked]);
      await expect(app.container.retention.run({ batchSize: 10 })).rejects.toThrow(/city\.client_case/);
      expect(await caseRows(blocked)).toBe(5);
      expect(await caseRows(ids.oldCase)).toBe(5);
      expect(await erasures('city.client_case')).toEqual([]);
    } finally {
      await sql('DROP TABLE city.retention_test_ref');
      for (const t of CASE_CHILD_TABLES) await sql(`DELETE FROM city.${t} WHERE case_id = $1`, [blocked]);
      await sql('DELETE FROM city.client_case WHERE id = $1', [blocked]);
    }
  });

  it('erases closed cases past the period with all their rows; open and recently closed cases stay', async () => {
    const t = byTask(await app.container.retention.run({ batchSize: 1 }));
    expect(t['city.client_case']).toMatchObject({ dryRun: false, erased: 2, persons: 1, batches: 2, auditEntries: 2 });
    expect(await caseRows(ids.oldCase)).toBe(0);
    expect(await caseRows(ids.oldCase2)).toBe(0);
    expect(await caseRows(ids.recentCase)).toBe(5);
    expect(await caseRows(ids.openCase)).toBe(5);
  });

  it('erases the visit past its period, counted from the later of its day and the follow-up', async () => {
    const left = (await sql('SELECT id FROM city.arrival_visit ORDER BY id')).map((r) => r.id);
    expect(left.sort()).toEqual([ids.recentVisit, ids.followedUpVisit].sort());
  });

  it('erases the old feedback link and keeps the anonymous feedback', async () => {
    const links = (await sql('SELECT feedback_id FROM city.feedback_person_link')).map((r) => r.feedback_id);
    expect(links).toEqual([ids.recentFeedback]);
    expect(await count('SELECT count(*)::int AS n FROM city.client_feedback WHERE id = $1', [ids.oldFeedback])).toBe(1);
  });

  it('records each erasure in the audit log by pseudonym, with counts only', async () => {
    const audit = app.container.audit;
    expect((await audit.verify()).ok).toBe(true);
    const cases = await erasures('city.client_case');
    expect(cases).toHaveLength(2); // one per batch (batch size 1)
    for (const e of cases) {
      expect(e).toMatchObject({ partner: 'lotse', subject: 'system:retention', operation: 'retention' });
      expect(e.person_ref).toBe(audit.pseudonym(ids.a));
      expect(e.categories).toEqual(['case_notes']);
      expect(e.detail).toEqual({
        task: 'city.client_case',
        record: 'case',
        action: 'erase',
        count: 1,
        retainDays: 3650,
      });
    }
    const visits = await erasures('city.arrival_visit');
    expect(visits.map((e) => [e.person_ref, e.detail.count])).toEqual([[audit.pseudonym(ids.a), 1]]);
    const links = await erasures('city.feedback_person_link');
    expect(links.map((e) => [e.person_ref, e.detail.count])).toEqual([[audit.pseudonym(ids.a), 1]]);
    // No raw person id in any erasure entry.
    const text = JSON.stringify([...cases, ...visits, ...links]);
    expect(text).not.toContain(ids.a);
  });

  it('a second run finds nothing more to do', async () => {
    const t = byTask(await app.container.retention.run());
    for (const task of ['city.client_case', 'city.arrival_visit', 'city.feedback_person_link'])
      expect(t[task]).toMatchObject({ erased: 0, batches: 0 });
  });

  it('the migrations revert (the rules and the record types go) and apply again', async () => {
    const types = () =>
      sql(`SELECT DISTINCT record_type FROM hub.retention_rule ORDER BY 1`).then((r) => r.map((x) => x.record_type));
    const before = await types();
    // As the database owner (the app's role may not alter tables): the migrations only call query().
    const client = new Client({ connectionString: app.db.url });
    await client.connect();
    const owner = {
      query: (query: string, params?: unknown[]) => client.query(query, params).then((r) => r.rows),
    } as unknown as QueryRunner;
    try {
      await new HubRetentionCases1765510000000().down(owner);
      await new CityCaseRetention1765510000001().down(owner);
      expect(await types()).toEqual(before.filter((t) => !['case', 'arrival_visit', 'feedback_link'].includes(t)));
      await expect(
        sql(
          `INSERT INTO hub.retention_rule (record_type, category, retain_days, action, description, statute) VALUES ('case', 'case_notes', 1, 'erase', 'x', 'x')`,
        ),
      ).rejects.toThrow(/retention_rule_record_type_check/);
      await new CityCaseRetention1765510000001().up(owner);
      await new HubRetentionCases1765510000000().up(owner);
      expect(await types()).toEqual(before);
    } finally {
      await client.end();
    }
  });
});
