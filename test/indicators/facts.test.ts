import { newId } from '../../src/shared/ids';
import { addMonths } from '../../src/shared/time';
import { CourseKind, CourseStatus } from '../../src/subgraphs/courses/course/course.types';
import {
  actorFor,
  arrivalMutation,
  asHub,
  createCourse,
  createReferral,
  enrolPerson,
  openCase,
  planArrivalVisitViaApi,
  recordArrivalVisitViaApi,
  registerCourseProvider,
  registerPerson,
  RHEINE,
  withAppointment,
  withGoal,
  YEAR_AHEAD,
} from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { berlinDay, factRow, feed, outboxEvents, sqlAs } from './facts.support';

/**
 * The indicator facts (docs/indicators.md#facts) from the records the factories build, fed the
 * events those records wrote (as the events worker does): each row holds exactly the codes, days
 * and counts its definition names, twice the same event gives the same row, and a changed record
 * gives an updated one.
 */
describe('indicator facts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const caseEvents = (caseId: string) => outboxEvents(app, 'city', `payload->>'caseId' = $1`, [caseId]);

  it('case: appointments due and kept, goals agreed and reached, topics, closure', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    // Topics are the domains whose assessment names a problem: housing, health; language names none.
    for (const [domain, problems] of [
      ['housing', ['no_flat', 'overcrowded']],
      ['health', ['chronic']],
      ['language', []],
    ] as const)
      await sqlAs(
        app,
        'city',
        `INSERT INTO city.case_assessment (id, case_id, person_id, domain, problems, resources, situation, assessed_on, recorded_at)
         VALUES ($1, $2, $3, $4, $5, '{}', NULL, '2026-01-08', now())`,
        [newId(), c.id, p.id, domain, problems],
      );
    // Goals: open, reached ×2, not_reached count as agreed (4); proposed and dropped do not.
    const open = await withGoal(app, c, { domain: 'housing', status: 'open' });
    await withGoal(app, c, { domain: 'housing', status: 'reached' });
    await withGoal(app, c, { domain: 'health', status: 'reached' });
    await withGoal(app, c, { domain: 'work', status: 'not_reached' });
    const proposed = await withGoal(app, c, { domain: 'work', status: 'proposed' });
    await withGoal(app, c, { domain: 'language', status: 'dropped' });
    // Appointments: kept ×3, missed, cancelled by the client are due (5); scheduled and the case manager's cancellation not.
    const at = new Date('2026-02-02T09:00:00Z');
    for (const status of ['kept', 'kept', 'kept', 'missed', 'cancelled', 'scheduled'] as const)
      await withAppointment(app, c, { scheduledAt: at, status });
    await sqlAs(
      app,
      'city',
      `INSERT INTO city.case_appointment (id, case_id, person_id, scheduled_at, status, cancelled_by, recorded_at, created_at)
       VALUES ($1, $2, $3, $4, 'cancelled', 'case_manager', $4, now())`,
      [newId(), c.id, p.id, at],
    );

    await feed(app, await caseEvents(c.id));
    const expected = {
      case_id: c.id,
      owner: 'rheine-social',
      municipality_key: RHEINE,
      person_id: p.id,
      track: 'standard',
      opened_on: berlinDay(c.openedAt),
      closed_on: null,
      closure: null,
      appointments_due: 5,
      appointments_kept: 3,
      goals_agreed: 4,
      goals_reached: 2,
      topics: ['health', 'housing'],
    };
    expect(await factRow(app, 'case', c.id)).toEqual(expected);

    // Closed unplanned by the client, settling the open goal as partly reached and dropping the proposal:
    // agreed stays 4 (partly_reached, reached ×2, not_reached), reached 2.
    const closed = await asHub(app, () =>
      app.container.subgraphs.city.services.caseClosure.close(actorFor('rheine-social'), {
        caseId: c.id,
        kind: 'unplanned_by_client',
        reason: 'moved_away',
        goals: [
          { goalId: open, status: 'partly_reached' },
          { goalId: proposed, status: 'dropped' },
        ],
      }),
    );
    const events = await caseEvents(c.id);
    await feed(
      app,
      events.filter((e) => e.type === 'case.closed'),
    );
    const afterClose = { ...expected, closed_on: berlinDay(closed.closedAt!), closure: 'unplanned' };
    expect(await factRow(app, 'case', c.id)).toEqual(afterClose);
    // The same events again, in reverse order: the same row.
    await feed(app, [...events].reverse());
    await feed(app, events);
    expect(await factRow(app, 'case', c.id)).toEqual(afterClose);
  });

  it('case: a planned closure is planned; a case gone from the city takes its fact with it', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    await asHub(app, () =>
      app.container.subgraphs.city.services.caseClosure.close(actorFor('rheine-social'), {
        caseId: c.id,
        kind: 'planned',
      }),
    );
    const events = await caseEvents(c.id);
    await feed(app, events);
    expect(await factRow(app, 'case', c.id)).toMatchObject({ closure: 'planned', appointments_due: 0, topics: [] });
    // Retention erases the case (as its task does, without an event): the next refresh deletes the fact.
    await sqlAs(app, 'city', `DELETE FROM city.client_case WHERE id = $1`, [c.id]);
    await feed(app, events.slice(0, 1));
    expect(await factRow(app, 'case', c.id)).toBeUndefined();
  });

  it('arrival visit: as planned, topics, the follow-up and whether it came in time', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const day = new Date().toISOString().slice(0, 10);
    const planned = await planArrivalVisitViaApi(app, { personId: p.id, plannedOn: day });
    const visitEvents = () => outboxEvents(app, 'city', `aggregate_id = $1`, [planned.id]);
    await feed(app, await visitEvents());
    const base = {
      visit_id: planned.id,
      owner: 'rheine-social',
      municipality_key: RHEINE,
      family_id: planned.householdId ?? p.id,
      planned_on: day,
      status: 'planned',
      as_planned: null,
      held_on: null,
      topics: [],
      follow_up_due_on: null,
      follow_up_kind: null,
      follow_up_in_time: null,
    };
    expect(await factRow(app, 'arrival_visit', planned.id)).toEqual(base);

    await recordArrivalVisitViaApi(app, {
      visitId: planned.id,
      tookPlace: true,
      heldOn: day,
      topics: ['language', 'housing'],
    });
    await feed(app, await visitEvents());
    const held = {
      ...base,
      status: 'took_place',
      as_planned: true,
      held_on: day,
      topics: ['language', 'housing'],
      follow_up_due_on: addMonths(day, 2),
    };
    expect(await factRow(app, 'arrival_visit', planned.id)).toEqual(held);

    const follow = await arrivalMutation(app, 'rheine-social', 'recordFollowUp', {
      visitId: planned.id,
      contact: 'DISTRICT_OFFICE',
      contactedOn: day,
    });
    expect(follow.body.errors).toBeUndefined();
    const events = await visitEvents();
    await feed(app, events);
    await feed(app, events);
    expect(await factRow(app, 'arrival_visit', planned.id)).toEqual({
      ...held,
      follow_up_kind: 'district_office',
      follow_up_in_time: true,
    });
  });

  it('course and enrolment: the course’s offer, the participant’s sex and facts', async () => {
    const provider = await registerCourseProvider(app, 'fbs-rheine');
    const course = await createCourse(app, 'fbs-rheine', {
      providerId: provider.id,
      kind: CourseKind.women_with_childcare,
      startsOn: `${YEAR_AHEAD}-04-01`,
      endsOn: `${YEAR_AHEAD}-09-30`,
      capacity: 12,
      eveningOrShift: true,
      status: CourseStatus.open,
    });
    const woman = await registerPerson(app, 'rheine-social', { sex: 'female' as never });
    const e = await enrolPerson(app, 'fbs-rheine', {
      courseId: course.id,
      personId: woman.id,
      usesChildcare: true,
      shiftWorker: false,
      parallelIntegrationCourse: true,
    });
    await feed(app, await outboxEvents(app, 'courses', `aggregate_id = ANY($1::uuid[])`, [[course.id, e.id]]));
    expect(await factRow(app, 'course', course.id)).toEqual({
      course_id: course.id,
      owner: 'fbs-rheine',
      municipality_key: RHEINE,
      kind: 'women_with_childcare',
      status: 'open',
      starts_on: `${YEAR_AHEAD}-04-01`,
      ends_on: `${YEAR_AHEAD}-09-30`,
      capacity: 12,
      childcare: true,
      evening_or_shift: true,
    });
    expect(await factRow(app, 'enrolment', e.id)).toEqual({
      enrolment_id: e.id,
      course_id: course.id,
      course_kind: 'women_with_childcare',
      owner: 'fbs-rheine',
      municipality_key: RHEINE,
      person_id: woman.id,
      sex: 'female',
      status: e.status,
      enrolled_on: e.enrolledAt ? berlinDay(e.enrolledAt) : null,
      ended_on: null,
      uses_childcare: true,
      shift_worker: false,
      apprentice: null,
      evening_participant: null,
      parallel_integration_course: true,
    });
    expect(e.status).toBe('enrolled');
  });

  it('referral: times from its status history, agreement deadlines, and a transfer’s handover gap', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const hub = app.container.subgraphs.hub;
    const referralEvents = (id: string) => outboxEvents(app, 'hub', `aggregate_id = $1`, [id]);
    // A handover to the jobcenter, due on 1 March; accepted late on 10 March (UTC), 11 March in Berlin: 10 days' gap.
    const t = await createReferral(app, 'rheine-social', {
      personId: p.id,
      kind: 'transfer',
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_handover',
      referralType: 'benefit_handover',
      dueOn: '2026-03-01',
    } as never);
    await feed(app, await referralEvents(t.id));
    const sent = await hub.dataSource.query(
      `SELECT occurred_at FROM hub.outbox WHERE aggregate_id = $1 AND payload->>'to' = 'requested'`,
      [t.id],
    );
    const pending = await factRow(app, 'referral', t.id);
    expect(pending).toMatchObject({
      referral_id: t.id,
      kind: 'transfer',
      referral_type: 'benefit_handover',
      purpose: 'benefit_handover',
      sender: 'rheine-social',
      receiver: 'jobcenter-steinfurt',
      municipality_key: RHEINE,
      status: 'requested',
      outcome: null,
      requested_at: sent[0].occurred_at,
      accepted_at: null,
      concluded_at: null,
      gap_days: null,
    });
    await asHub(app, () => hub.services.referrals.transition(actorFor('jobcenter-steinfurt'), t.id, 'accept'));
    await hub.dataSource.query(
      `UPDATE hub.outbox SET occurred_at = '2026-03-10T23:30:00Z' WHERE aggregate_id = $1 AND payload->>'to' = 'accepted'`,
      [t.id],
    );
    const events = await referralEvents(t.id);
    await feed(app, events);
    await feed(app, events);
    expect(await factRow(app, 'referral', t.id)).toMatchObject({
      status: 'accepted',
      accepted_at: new Date('2026-03-10T23:30:00Z'),
      gap_days: 10,
    });
    // Accepted before the day it was due: no gap.
    await hub.dataSource.query(`UPDATE hub.referral SET due_on = '2026-04-01' WHERE id = $1`, [t.id]);
    await feed(app, events.slice(0, 1));
    expect(await factRow(app, 'referral', t.id)).toMatchObject({ gap_days: 0 });

    // Agreement deadlines (acknowledge, decide, start) of two referrals. Due: met in time or late,
    // breached, or passed while open; met: in time only. A closed one and one not yet due count for neither.
    const now = Date.now();
    const at = (days: number) => new Date(now + days * 86400000);
    const [agreement] = await hub.dataSource.query(`SELECT id FROM hub.cooperation_agreement LIMIT 1`);
    const cases = [
      // met in time, met late, breached: due 3, met 1
      {
        due: 3,
        met: 1,
        rows: [
          [at(-5), at(-6), null, null],
          [at(-4), at(-2), at(-4), null],
          [at(-1), null, at(-1), null],
        ],
      },
      // passed while open, not yet due, closed: due 1, met 0
      {
        due: 1,
        met: 0,
        rows: [
          [at(-2), null, null, null],
          [at(3), null, null, null],
          [at(-3), null, null, at(-4)],
        ],
      },
    ];
    for (const expected of cases) {
      const r = await createReferral(app, 'jobcenter-steinfurt', { personId: p.id });
      await hub.dataSource.query(`DELETE FROM hub.referral_deadline WHERE referral_id = $1`, [r.id]);
      for (const [i, kind] of ['acknowledge', 'decide', 'start'].entries()) {
        const [due, met, breached, closed] = expected.rows[i];
        await hub.dataSource.query(
          `INSERT INTO hub.referral_deadline (referral_id, kind, agreement_id, requested_at, due_at, met_at, breached_at, closed_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
          [r.id, kind, agreement.id, at(-10), due, met, breached, closed],
        );
      }
      await feed(app, await referralEvents(r.id));
      expect(await factRow(app, 'referral', r.id)).toMatchObject({
        kind: 'referral',
        status: 'requested',
        deadlines_due: expected.due,
        deadlines_met: expected.met,
        gap_days: null,
      });
    }
  });

  it('a move: the person’s case, visit and referral facts count where the person lives now', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const c = await openCase(app, 'rheine-social', { personId: p.id });
    const day = new Date().toISOString().slice(0, 10);
    const visit = await planArrivalVisitViaApi(app, { personId: p.id, plannedOn: day });
    const r = await createReferral(app, 'jobcenter-steinfurt', { personId: p.id });
    await feed(app, await caseEvents(c.id));
    await feed(app, await outboxEvents(app, 'city', `aggregate_id = $1`, [visit.id]));
    await feed(app, await outboxEvents(app, 'hub', `aggregate_id = $1`, [r.id]));
    for (const [kind, id] of [
      ['case', c.id],
      ['arrival_visit', visit.id],
      ['referral', r.id],
    ] as const)
      expect(await factRow(app, kind, id)).toMatchObject({ municipality_key: RHEINE });
    // Emsdetten, in the same district.
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.move(actorFor('rheine-social'), {
        personId: p.id,
        municipalityKey: '05566008',
        address: { locality: 'Emsdetten' },
      }),
    );
    await feed(app, await outboxEvents(app, 'city', `type = 'person.moved' AND payload->>'personId' = $1`, [p.id]));
    for (const [kind, id] of [
      ['case', c.id],
      ['arrival_visit', visit.id],
      ['referral', r.id],
    ] as const)
      expect(await factRow(app, kind, id)).toMatchObject({ municipality_key: '05566008' });
  });
});
