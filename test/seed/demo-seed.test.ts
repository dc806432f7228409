import { seedDemo } from '../../src/seed/demo.seed';
import { generateDemoData } from '../../src/seed/demo-data';
import { startTestApp, TestApp, eventually } from '../helpers/app';
import { asHub } from '../helpers/system';

/** The demo data set loads through the services, emits its events, and loads only once. */
describe('lotse seed --demo', () => {
  // Loads about 500 persons through the services twice: on a busy CI machine that exceeds jest's
  // default of 30 s. Not a speed check (those live in bench/), so the bound is generous.
  jest.setTimeout(180_000);
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: true });
  });
  afterAll(() => app?.stop());

  it('loads the deterministic data set once and completes an interrupted run', async () => {
    const data = generateDemoData();
    const counts = await seedDemo(app.container);
    expect(counts).toMatchObject({
      persons: data.persons.length,
      courses: data.courses.length,
      courseProviders: data.providers.length,
      jobcenterRecords: data.persons.filter((p) => p.jobcenter).length,
    });
    // The language offensive: about 200 participants in the 20 courses, some courses with a waitlist.
    expect(counts.enrolments).toBeGreaterThanOrEqual(180);
    expect(counts.enrolments).toBeLessThanOrEqual(260);
    expect(counts.waitlisted).toBeGreaterThanOrEqual(10);
    const perCourse = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT c.capacity, c.women_only, count(*) FILTER (WHERE e.status IN ('offered','enrolled'))::int AS held,
                count(*) FILTER (WHERE e.status = 'waitlisted')::int AS waiting
           FROM courses.course c JOIN courses.enrolment e ON e.course_id = c.id
          WHERE c.status <> 'completed' GROUP BY c.id`,
      ),
    );
    expect(perCourse).toHaveLength(data.courses.length);
    for (const c of perCourse) expect(c.held).toBeLessThanOrEqual(c.capacity);
    expect(perCourse.filter((c: any) => c.waiting >= 2 && c.waiting <= 5).length).toBeGreaterThan(2);
    // Certificates behind the integration and job-related courses: one per person and kind, in use
    // where the person sits in a course, registered where waiting, a few still waiting for a provider.
    expect(counts.entitlements).toBeGreaterThanOrEqual(50);
    expect(counts.obligingBodies).toBeGreaterThan(0);
    // Arrival visits for the report: 2019 and this year, held as planned or not, followed up or not.
    expect(counts.arrivalVisits).toBeGreaterThanOrEqual(12);
    const visits = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `SELECT extract(year FROM first_planned_on)::int AS year, status, took_place_as_planned AS planned,
                follow_up_in_time AS in_time, count(*)::int AS n
           FROM city.arrival_visit GROUP BY 1, 2, 3, 4`,
      ),
    );
    for (const year of [2019, 2026]) {
      const of = visits.filter((v: any) => v.year === year);
      expect(of.some((v: any) => v.planned)).toBe(true);
      expect(of.some((v: any) => v.status === 'did_not_take_place')).toBe(true);
      expect(of.some((v: any) => v.in_time === true)).toBe(true);
      expect(of.some((v: any) => v.in_time === false)).toBe(true);
    }
    // Case management today: one case in monitoring with a help plan, one in goal agreement, two closed.
    expect(counts.cases).toBe(4);
    const cases = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `SELECT c.phase, c.closure_kind AS kind, count(i.id)::int AS items
           FROM city.client_case c LEFT JOIN city.case_help_plan_item i ON i.case_id = c.id
          WHERE c.worker_ref IN ('cm-3', 'cm-5')
          GROUP BY c.id ORDER BY c.phase, c.closure_kind`,
      ),
    );
    expect(cases).toEqual([
      { phase: 'closed', kind: 'planned', items: 0 },
      { phase: 'closed', kind: 'unplanned_by_client', items: 0 },
      { phase: 'goal_agreement', kind: null, items: 0 },
      { phase: 'monitoring', kind: null, items: 1 },
    ]);
    // The indicator facts exist without workers: one per visit, case, course and enrolment.
    const facts = await app.container.subgraphs.hub.dataSource.query(
      `SELECT (SELECT count(*)::int FROM hub.indicator_case) AS cases,
              (SELECT count(*)::int FROM hub.indicator_course) AS courses,
              (SELECT count(*)::int FROM hub.indicator_enrolment) AS enrolments,
              (SELECT count(*)::int FROM hub.indicator_arrival_visit) AS visits`,
    );
    expect(facts[0]).toEqual({
      cases: counts.cases + counts.historicCases,
      courses: counts.courses + counts.historicCourses,
      enrolments: expect.any(Number),
      visits: expect.any(Number),
    });
    expect(facts[0].enrolments).toBeGreaterThanOrEqual(
      counts.enrolments + counts.waitlisted + counts.historicEnrolments,
    );
    expect(facts[0].visits).toBeGreaterThanOrEqual(counts.arrivalVisits);
    const ledger = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT status, count(*)::int AS n FROM courses.entitlement GROUP BY status ORDER BY status`,
      ),
    );
    const byStatus = Object.fromEntries(ledger.map((r: any) => [r.status, r.n]));
    expect(Object.keys(byStatus).sort()).toEqual(['in_use', 'issued', 'registered']);
    expect(byStatus.in_use).toBeGreaterThanOrEqual(30);
    const seatsWithout = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT count(*)::int AS n FROM courses.enrolment e JOIN courses.course c ON c.id = e.course_id
          WHERE e.status = 'enrolled' AND c.kind IN ('integration_course','youth_course','vocational_language')
            AND NOT EXISTS (SELECT 1 FROM courses.entitlement x WHERE x.person_id = e.person_id AND x.status = 'in_use')`,
      ),
    );
    expect(seatsWithout[0].n).toBe(0);
    expect(await seedDemo(app.container)).toMatchObject({ persons: 0, courses: 0 });

    // Deterministic ids: docs can name the first person.
    const first = data.persons[0];
    const res = await app.gql(
      'rheine-social',
      `query($id: ID!) { person(id: $id) { givenName familyName nameVariants household { members { id } } } }`,
      { id: first.id },
    );
    expect(res.body.data.person).toMatchObject({
      givenName: first.givenName,
      familyName: first.familyName,
      nameVariants: first.nameVariants,
    });

    // Interrupted run: remove the last person's data; seeding again completes exactly that.
    const last = data.persons[data.persons.length - 1];
    const city = app.container.subgraphs.city.dataSource;
    await asHub(app, async () => {
      await city.query('DELETE FROM city.residence_status WHERE person_id = $1', [last.id]);
      await app.container.subgraphs.jobcenter.dataSource.query(
        'DELETE FROM jobcenter.jobcenter_record WHERE person_id = $1',
        [last.id],
      );
      await app.container.subgraphs.hub.dataSource.query('DELETE FROM hub.person_identifier WHERE person_id = $1', [
        last.id,
      ]);
      await city.query('DELETE FROM city.person WHERE id = $1', [last.id]);
    });
    expect(await seedDemo(app.container)).toMatchObject({ persons: 1, courses: 0 });
  });

  it('fills biographies through the outbox and the workers', async () => {
    await app.startWorkers();
    const person = generateDemoData().persons.find((p) => p.jobcenter && p.residence.length > 1)!;
    const bio = await eventually(
      async () => {
        const res = await app.gql(
          'jobcenter-steinfurt',
          `query($id: ID!) { person(id: $id) { biography(first: 20) { type } } }`,
          { id: person.id },
        );
        const types: string[] = res.body.data.person.biography.map((b: any) => b.type);
        return types.includes('jobcenter.record_opened') &&
          types.filter((t) => t === 'person.residence_status_recorded').length === person.residence.length
          ? types
          : undefined;
      },
      // The workers handle the whole data set's events, the report's history (2019 on) first: not a speed check.
      90000,
      250,
    );
    expect(bio).toContain('person.registered');
  }, 150000);
});
