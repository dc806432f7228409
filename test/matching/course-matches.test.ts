import { Client } from 'pg';
import { seedDemo } from '../../src/seed/demo.seed';
import { DEMO_DEFAULTS, generateDemoData } from '../../src/seed/demo-data';
import { collidesWithMorning } from '../../src/subgraphs/courses/matching/matching.rank';
import { CefrLevel } from '../../src/subgraphs/courses/course/course.types';
import { MatchingService } from '../../src/subgraphs/courses/matching/matching.service';
import { actorFor, asHub } from '../factories/factory.support';
import { eventually, startTestApp, TestApp } from '../helpers/app';

/** courseMatches through GraphQL on the demo data (Rheine's language offensive), on the demo's day. */
describe('courseMatches on the demo data', () => {
  // Loads the demo data set (about 500 persons) through the services once.
  jest.setTimeout(180_000);
  let app: TestApp;
  const data = generateDemoData();
  const RHEINE = '05566076';
  const inRheine = data.persons.filter((p) => p.municipalityKey === RHEINE);
  const mother = inRheine.find((p) => p.sex === 'female' && p.address.district === 'Dorenkamp')!;
  const man = inRheine.find((p) => p.sex === 'male' && p.address.district === 'Schotthock')!;

  beforeAll(async () => {
    // The demo courses lie around the demo's today: the hub's clock says the same day.
    app = await startTestApp({ clock: { now: () => new Date(`${DEMO_DEFAULTS.today}T09:00:00Z`) } });
    await seedDemo(app.container);
  });
  afterAll(() => app?.stop());

  const QUERY = `query($personId: ID!, $needs: CourseNeedsInput!, $first: Int) {
    courseMatches(personId: $personId, needs: $needs, first: $first) {
      score seatsFree waitlistLength
      matched { code text } missing { code text }
      course { id title kind targetLevel district childcare eveningOrShift womenOnly status
        weeklySlots { weekday startsAt lessons } provider { partnerSlug } }
    }
  }`;
  const matches = async (
    personId: string,
    needs: Record<string, unknown>,
    opts: { partner?: string; purpose?: string; first?: number } = {},
  ) => {
    const res = await app.gql(
      opts.partner ?? 'rheine-social',
      QUERY,
      { personId, needs, first: opts.first ?? 50 },
      { purpose: opts.purpose ?? (opts.partner ? undefined : 'case_management') },
    );
    return res.body;
  };
  const codes = (rs: Array<{ code: string }>) => rs.map((r) => r.code);

  it('ranks the FBS course with childcare in her own district first for a mother at A1 in Dorenkamp', async () => {
    // No district given: it comes from the person's address.
    const body = await matches(mother.id, { level: 'A1', childcare: true });
    expect(body.errors).toBeUndefined();
    const [best] = body.data.courseMatches;
    expect(best.course).toMatchObject({
      district: 'Dorenkamp',
      childcare: true,
      targetLevel: 'A1',
      provider: { partnerSlug: 'fbs-rheine' },
    });
    expect(best.course.kind).not.toBe('literacy');
    expect(best.matched).toEqual(
      expect.arrayContaining([
        { code: 'childcare', text: 'Kinderbetreuung vorhanden' },
        { code: 'level', text: 'Kursziel A1 passt' },
        { code: 'district', text: 'Im eigenen Stadtteil (Dorenkamp)' },
      ]),
    );
    // Seats and waitlist are the course's own, from the demo enrolments; a full course has a short waitlist at most.
    const course = await app.gql('fbs-rheine', `query($id: ID!) { course(id: $id) { seatsFree waitlistLength } }`, {
      id: best.course.id,
    });
    expect({ seatsFree: best.seatsFree, waitlistLength: best.waitlistLength }).toEqual(course.body.data.course);
    expect(best.seatsFree > 0 || best.waitlistLength <= 5).toBe(true);
    const without = body.data.courseMatches.find((m: any) => !m.course.childcare);
    expect(without.missing).toContainEqual({ code: 'childcare', text: 'Keine Kinderbetreuung' });
    // Best first, every time the same.
    const scores = body.data.courseMatches.map((m: any) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await matches(mother.id, { level: 'A1', childcare: true })).data).toEqual(body.data);
  });

  it('ranks an evening course first for a shift worker and leaves women-only courses out for a man', async () => {
    const body = await matches(man.id, { level: 'A1', eveningOrShift: true });
    expect(body.errors).toBeUndefined();
    const [best] = body.data.courseMatches;
    expect(best.course).toMatchObject({ eveningOrShift: true, targetLevel: 'A1', district: 'Schotthock' });
    expect(codes(best.matched)).toEqual(expect.arrayContaining(['evening_or_shift', 'level', 'district']));
    expect(body.data.courseMatches.some((m: any) => m.course.womenOnly)).toBe(false);
  });

  it('ranks a literacy course first for a person who needs alphabetisation', async () => {
    const body = await matches(man.id, { level: 'A1', literacy: true });
    expect(body.errors).toBeUndefined();
    const [best, next] = body.data.courseMatches;
    expect(best.course.kind).toBe('literacy');
    expect(codes(best.matched)).toContain('literacy');
    expect(codes(next.missing)).toContain('literacy');
  });

  it('offers no Mo–Fr morning course and no integration course on top of a parallel integration course', async () => {
    const body = await matches(man.id, { level: 'A2', parallelIntegrationCourse: true });
    expect(body.errors).toBeUndefined();
    const list = body.data.courseMatches;
    expect(list.length).toBeGreaterThan(0);
    for (const m of list) {
      expect(m.course.weeklySlots.some(collidesWithMorning)).toBe(false);
      expect(['integration_course', 'youth_course']).not.toContain(m.course.kind);
      expect(codes(m.matched)).toContain('parallel_integration_course');
    }
    // The demo has morning courses that were left out.
    const all = await matches(man.id, { level: 'A2' });
    expect(all.data.courseMatches.length).toBeGreaterThan(list.length);
  });

  it('records the query for the audit log under the basis that allowed it', async () => {
    const body = await matches(mother.id, { level: 'A2' }, { first: 3 });
    expect(body.data.courseMatches).toHaveLength(3);
    const client = new Client({ connectionString: app.db.url });
    await client.connect();
    try {
      const rows = await eventually(async () => {
        const r = await client.query(
          `SELECT kind, categories, basis FROM audit.entry
            WHERE partner = 'rheine-social' AND 'Query.courseMatches' = ANY(fields)`,
        );
        return r.rows.length ? r.rows : undefined;
      });
      expect(rows[0]).toMatchObject({ kind: 'read', categories: ['identity'] });
      expect(rows[0].basis).toMatch(/^legal_basis:/);
    } finally {
      await client.end();
    }
  });

  it('a course provider with a basis for course participation only does not learn the sex', async () => {
    const body = await matches(man.id, { level: 'A1' }, { partner: 'vhs-rheine' });
    expect(body.errors).toBeUndefined();
    const womenOnly = body.data.courseMatches.filter((m: any) => m.course.womenOnly);
    expect(womenOnly.length).toBeGreaterThan(0);
    for (const m of womenOnly) expect(codes(m.missing)).toContain('women_only');
  });

  it('takes seats and waitlists from the seat counter it is given (the enrolments will give one)', async () => {
    const [best] = (await matches(mother.id, { level: 'A1', childcare: true })).data.courseMatches;
    const { courses, providers } = app.container.subgraphs.courses.services;
    const service = new MatchingService({
      courses,
      providers,
      clock: app.container.clock,
      known: { knowsPerson: async () => true },
      persons: app.container.persons,
      seats: async (_actor, ids) =>
        new Map(ids.filter((id) => id === best.course.id).map((id) => [id, { taken: 100, waitlist: 7 }])),
    });
    const run = (maxWaitlist: number) =>
      asHub(app, () => {
        const actor = actorFor('rheine-social');
        const policy = app.container.subgraphs.courses.createContext(actor).policy;
        return service.match(actor, policy, mother.id, { level: CefrLevel.A1, childcare: true, maxWaitlist }, 50);
      });
    // A waitlist of 7 is longer than the default 5: the full course is left out.
    expect((await run(5)).map((m) => m.course.id)).not.toContain(best.course.id);
    const full = (await run(7)).find((m) => m.course.id === best.course.id)!;
    expect(full).toMatchObject({ seatsFree: 0, waitlistLength: 7 });
    expect(full.missing).toContainEqual({ code: 'seats_free', text: 'Keine freien Plätze' });
    expect(full.matched).toContainEqual({ code: 'short_waitlist', text: 'Warteliste mit 7 Personen' });
  });

  it('answers NOT_FOUND for an unknown person and FORBIDDEN for a partner without a basis', async () => {
    const unknown = await matches('00000000-0000-4000-8000-000000000000', { level: 'A1' });
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'personId' });
    const forbidden = await matches(man.id, { level: 'A1' }, { partner: 'caritas-rheine', purpose: 'case_management' });
    expect(forbidden.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(forbidden.data).toBeNull();
    const client = new Client({ connectionString: app.db.url });
    await client.connect();
    try {
      await eventually(async () => {
        const r = await client.query(
          `SELECT 1 FROM audit.entry WHERE partner = 'caritas-rheine' AND kind = 'denied'
              AND 'Query.courseMatches' = ANY(fields) AND categories = '{course_participation}'`,
        );
        return r.rows.length > 0;
      });
    } finally {
      await client.end();
    }
  });

  it('refuses unsound needs in one answer', async () => {
    const body = await matches(man.id, { maxWaitlist: -1, startBy: '2020-01-01' }, { first: 51 });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body.errors[0].extensions)).toEqual(
      expect.stringMatching(/first[\s\S]*needs\.maxWaitlist[\s\S]*needs\.startBy/),
    );
  });
});
