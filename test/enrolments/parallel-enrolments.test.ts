import { startTestApp, TestApp, eventually } from '../helpers/app';
import { asHub, createCourse, ENROLMENT_FIELDS, registerCourseProvider, registerPerson } from '../factories';

/**
 * 50 people enrol at once into a course with 12 seats, through GraphQL: exactly 12 are enrolled,
 * 38 waitlisted in order 1..38, never more than the capacity; a drop offers the seat to the next.
 */
describe('parallel enrolments into a 12-seat course', () => {
  let app: TestApp;
  let courseId: string;
  const persons: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const provider = await registerCourseProvider(app, 'vhs-rheine');
    courseId = (await createCourse(app, 'vhs-rheine', { providerId: provider.id, capacity: 12 })).id;
    for (let i = 0; i < 50; i++) persons.push((await registerPerson(app, 'rheine-social')).id);
  }, 120_000);
  afterAll(() => app?.stop());

  const gqlEnrol = (personId: string) =>
    app.gql('vhs-rheine', `mutation($input: EnrolInput!) { enrol(input: $input) { ${ENROLMENT_FIELDS} } }`, {
      input: { courseId, personId },
    });
  const seats = async () =>
    (
      await app.gql(
        'vhs-rheine',
        `query($id: ID!) { course(id: $id) { capacity seatsTaken seatsFree waitlistLength } }`,
        { id: courseId },
      )
    ).body.data.course;

  it('enrols exactly 12, waitlists 38 in order, and never overbooks', async () => {
    const results = await Promise.all(persons.map(gqlEnrol));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    const enrolments = results.map((r) => r.body.data.enrol);
    expect(enrolments.filter((e) => e.status === 'enrolled')).toHaveLength(12);
    const waitlisted = enrolments.filter((e) => e.status === 'waitlisted');
    expect(waitlisted).toHaveLength(38);
    expect(waitlisted.map((e) => e.waitlistPosition).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 38 }, (_, i) => i + 1),
    );
    expect(await seats()).toEqual({ capacity: 12, seatsTaken: 12, seatsFree: 0, waitlistLength: 38 });
    const [{ n }] = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT count(*)::int AS n FROM courses.enrolment WHERE course_id = $1 AND status IN ('offered','enrolled')`,
        [courseId],
      ),
    );
    expect(n).toBe(12);
  });

  it('refuses a second enrolment of the same person with a CONFLICT naming the existing one', async () => {
    const again = await gqlEnrol(persons[0]);
    expect(again.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      enrolmentId: expect.any(String),
      status: expect.stringMatching(/enrolled|waitlisted/),
    });
  });

  it('a drop offers the seat to the first on the waitlist, with a deadline to answer', async () => {
    const list = await app.gql(
      'vhs-rheine',
      `query($id: ID!) { course(id: $id) { enrolments(first: 100, status: [enrolled]) { totalCount edges { node { id } } }
         waitlist: enrolments(first: 100, status: [waitlisted]) { edges { node { id personId waitlistPosition } } } } }`,
      { id: courseId },
    );
    expect(list.body.errors).toBeUndefined();
    const enrolledId = list.body.data.course.enrolments.edges[0].node.id;
    const first = list.body.data.course.waitlist.edges.find((e: any) => e.node.waitlistPosition === 1).node;
    const dropped = await app.gql(
      'vhs-rheine',
      `mutation($input: EndEnrolmentInput!) { endEnrolment(input: $input) { id status endReason endedAt } }`,
      { input: { enrolmentId: enrolledId, status: 'dropped', reason: 'client_withdrew' } },
    );
    expect(dropped.body.data.endEnrolment).toMatchObject({ status: 'dropped', endReason: 'client_withdrew' });
    const offered = await app.gql(
      'vhs-rheine',
      `query($id: ID!) { course(id: $id) { seatsTaken waitlistLength enrolments(status: [offered]) { edges { node { id personId offerExpiresAt offeredAt } } } } }`,
      { id: courseId },
    );
    const course = offered.body.data.course;
    expect(course).toMatchObject({ seatsTaken: 12, waitlistLength: 37 });
    expect(course.enrolments.edges).toHaveLength(1);
    const offer = course.enrolments.edges[0].node;
    expect(offer).toMatchObject({ id: first.id, personId: first.personId });
    const days = (Date.parse(offer.offerExpiresAt) - Date.parse(offer.offeredAt)) / 86_400_000;
    expect(days).toBe(7);
    // The offer reaches the provider's inbox (it was made by the hub, not by the provider).
    await eventually(async () => {
      const rows = await asHub(app, () =>
        app.container.subgraphs.hub.dataSource.query(
          `SELECT 1 FROM hub.notification WHERE partner = 'vhs-rheine' AND type = 'enrolment.offered'`,
        ),
      );
      return rows.length > 0;
    });
  });
});
