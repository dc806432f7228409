import { systemActor } from '../../src/shared/actor';
import { startTestApp, TestApp } from '../helpers/app';
import { createCourse, registerCourseProvider, registerPerson, YEAR_AHEAD } from '../factories';

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

  it('chooses the provider with the most free seats, counts open referrals as taken, and refuses when all are full', async () => {
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
