import { systemActor } from '../../src/shared/actor';
import { startTestApp, TestApp } from '../helpers/app';
import { CourseStatus } from '../../src/subgraphs/courses/course/course.types';
import { ReceiverPools } from '../../src/subgraphs/hub/referral/referral.capacity';
import { asHub, createCourse, enrolPerson, registerCourseProvider, registerPerson, YEAR_AHEAD } from '../factories';

/** A referral to "any course provider with capacity": the hub chooses the receiver by free seats. */
describe('referral to any course provider with capacity', () => {
  let app: TestApp;
  const persons: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 6; i++) {
      const p = await registerPerson(app, 'rheine-social', { givenName: `Pool${i}`, familyName: 'Person' });
      persons.push(p.id);
    }
    // vhs: 2 seats in a course not yet started (+ 30 in one that started: they do not count); fbs: 1 seat.
    const seats: Array<[string, number, string]> = [
      ['vhs-rheine', 2, `${YEAR_AHEAD}-03-01`],
      ['vhs-rheine', 30, '2020-01-01'],
      ['fbs-rheine', 1, `${YEAR_AHEAD}-04-01`],
    ];
    const providers = new Map<string, string>();
    for (const [slug, capacity, startsOn] of seats) {
      if (!providers.has(slug)) providers.set(slug, (await registerCourseProvider(app, slug)).id);
      await createCourse(app, slug, { providerId: providers.get(slug)!, startsOn, capacity });
    }
  });
  afterAll(() => app?.stop());

  const refer = (personId: string, input: Record<string, unknown> = {}) =>
    app.gql(
      'jobcenter-steinfurt',
      `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status receiver receiverPool dueOn } }`,
      {
        input: {
          personId,
          anyReceiver: 'course_provider_with_capacity',
          purpose: 'integration_course_referral',
          referralType: 'integration_course',
          send: true,
          ...input,
        },
      },
    );

  it('chooses the provider with the most free seats, counts referrals waiting for a decision as taken, and refuses when all are full', async () => {
    const first = await refer(persons[0], { dueOn: `${YEAR_AHEAD}-02-15` });
    expect(first.body.data.createReferral).toEqual({
      id: expect.any(String),
      status: 'requested',
      receiver: 'vhs-rheine',
      receiverPool: 'course_provider_with_capacity',
      dueOn: `${YEAR_AHEAD}-02-15`,
    });
    // 1 free each: the tie goes by name.
    expect((await refer(persons[1])).body.data.createReferral.receiver).toBe('fbs-rheine');
    expect((await refer(persons[2])).body.data.createReferral.receiver).toBe('vhs-rheine');

    const before = await app.container.subgraphs.hub.dataSource.query('SELECT count(*)::int AS n FROM hub.referral');
    const full = await refer(persons[3]);
    expect(full.body.data).toBeNull();
    expect(full.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'no_capacity' });
    expect(await app.container.subgraphs.hub.dataSource.query('SELECT count(*)::int AS n FROM hub.referral')).toEqual(
      before,
    );

    // A rejection frees the seat again.
    await app.gql('vhs-rheine', `mutation($id: ID!) { rejectReferral(id: $id, reason: not_eligible) { status } }`, {
      id: first.body.data.createReferral.id,
    });
    expect((await refer(persons[3])).body.data.createReferral.receiver).toBe('vhs-rheine');
  });

  it('counts seats through the courses service: courses not yet started, in the sender’s jurisdiction only', async () => {
    const { courses } = app.container.subgraphs;
    const seats = async (jurisdiction: string[], fromDay: string) => {
      const actor = { ...systemActor(), partner: 'jobcenter-steinfurt', jurisdiction };
      const rows = await app.container.rowSecurity.run(jurisdiction, () =>
        courses.services.courses.seatsByProvider(actor, fromDay),
      );
      return rows.sort((a, b) => a.partner.localeCompare(b.partner));
    };
    expect(await seats(['05566'], '2026-01-01')).toEqual([
      { partner: 'fbs-rheine', seats: 1 },
      { partner: 'vhs-rheine', seats: 2 },
    ]);
    expect(await seats(['05566'], '2000-01-01')).toEqual([
      { partner: 'fbs-rheine', seats: 1 },
      { partner: 'vhs-rheine', seats: 32 },
    ]);
    expect(await seats(['05515'], '2000-01-01')).toEqual([]);
  });

  it('counts free seats from enrolments; a referral turned into an enrolment counts once; planned courses do not count', async () => {
    const { courses, hub } = app.container.subgraphs;
    const actor = { ...systemActor(), partner: 'jobcenter-steinfurt', jurisdiction: ['05566'] };
    const pools = new ReceiverPools(hub.dataSource, app.container.clock, courses.services.courses);
    const vhsFree = async () =>
      (
        await app.container.rowSecurity.run(['05566'], () => pools.freeSeats(actor, 'integration_course_referral'))
      ).find((s) => s.partner === 'vhs-rheine')!.free;
    const vhsSeats = async () =>
      (
        await app.container.rowSecurity.run(['05566'], () =>
          courses.services.courses.seatsByProvider(actor, '2026-01-01'),
        )
      ).find((s) => s.partner === 'vhs-rheine')!.seats;
    const [course] = await asHub(app, () =>
      courses.dataSource.query(`SELECT c.id, c.provider_id FROM courses.course c WHERE capacity = 2`),
    );
    // A planned course takes no enrolments yet: its seats are not offered to the pool.
    await createCourse(app, 'vhs-rheine', {
      providerId: course.provider_id,
      startsOn: `${YEAR_AHEAD}-05-01`,
      capacity: 10,
      status: CourseStatus.planned,
    });
    expect(await vhsSeats()).toBe(2);
    // Two referrals to the VHS are open (requested): 2 seats − 2 = 0.
    expect(await vhsFree()).toBe(0);
    const walkIn = await registerPerson(app, 'rheine-social');
    await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: walkIn.id });
    expect(await vhsSeats()).toBe(1);
    expect(await vhsFree()).toBe(-1);
    // The VHS accepts one referral and enrols its person: the referral (now in_progress) no longer holds a seat, the enrolment does.
    const [open] = await asHub(app, () =>
      hub.dataSource.query(
        `SELECT id FROM hub.referral WHERE receiver = 'vhs-rheine' AND status = 'requested' ORDER BY created_at LIMIT 1`,
      ),
    );
    await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, { id: open.id });
    const enrolled = await app.gql('vhs-rheine', `mutation($i: EnrolInput!) { enrol(input: $i) { status } }`, {
      i: { courseId: course.id, referralId: open.id },
    });
    expect(enrolled.body.data.enrol.status).toBe('enrolled');
    expect(await vhsSeats()).toBe(0);
    expect(await vhsFree()).toBe(-1);
  });

  it('refuses unclear input with nothing written', async () => {
    const both = await refer(persons[4], { receiver: 'vhs-rheine' });
    expect(both.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'anyReceiver' });
    const neither = await refer(persons[4], { anyReceiver: null });
    expect(neither.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'receiver' });
    const badDay = await app.gql(
      'jobcenter-steinfurt',
      `mutation($p: ID!) { createTransfer(input: { personId: $p, receiver: "rheine-social", purpose: "case_management", referralType: "x_y", dueOn: "2026-02-30" }) { id } }`,
      { p: persons[4] },
    );
    expect(badDay.body.errors[0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    const [{ n }] = await app.container.subgraphs.hub.dataSource.query(
      'SELECT count(*)::int AS n FROM hub.referral WHERE person_id = $1',
      [persons[4]],
    );
    expect(n).toBe(0);
  });
});
