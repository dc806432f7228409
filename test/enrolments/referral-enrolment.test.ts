import { createCourse, ENROLMENT_FIELDS, enrolViaApi, registerCourseProvider, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { referToVhs } from '../webhooks/fixtures';

/** An accepted course referral becomes an enrolment in one step; who may enrol, end and see enrolments. */
describe('referral → enrolment, and who may touch enrolments', () => {
  let app: TestApp;
  let courseId: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const vhs = await registerCourseProvider(app, 'vhs-rheine');
    await registerCourseProvider(app, 'fbs-rheine');
    courseId = (await createCourse(app, 'vhs-rheine', { providerId: vhs.id, capacity: 5 })).id;
  });
  afterAll(() => app?.stop());

  const acceptedReferral = async () => {
    const personId = (await registerPerson(app, 'rheine-social')).id;
    const referralId = await referToVhs(app, personId);
    const accepted = await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, {
      id: referralId,
    });
    expect(accepted.body.data.acceptReferral.status).toBe('accepted');
    return { personId, referralId };
  };
  const enrol = (partner: string, input: Record<string, unknown>, fields = ENROLMENT_FIELDS) =>
    app.gql(partner, `mutation($input: EnrolInput!) { enrol(input: $input) { ${fields} } }`, { input });
  const referralStatus = async (id: string) =>
    (await app.gql('jobcenter-steinfurt', `query($id: ID!) { referral(id: $id) { status } }`, { id })).body.data
      .referral.status;

  it('the receiving provider enrols the person of an accepted referral; the referral moves to in_progress', async () => {
    const { personId, referralId } = await acceptedReferral();
    const res = await enrol('vhs-rheine', { courseId, referralId, usesChildcare: true });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.enrol).toMatchObject({ status: 'enrolled', personId, referralId });
    expect(await referralStatus(referralId)).toBe('in_progress');
  });

  it('the sender of the accepted referral may enrol too; another provider may not', async () => {
    const { personId, referralId } = await acceptedReferral();
    const other = await enrol('fbs-rheine', { courseId, referralId }, 'id');
    expect(other.body.errors[0].extensions.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const bySender = await enrol('jobcenter-steinfurt', { courseId, referralId }, 'id status referralId');
    expect(bySender.body.errors).toBeUndefined();
    expect(bySender.body.data.enrol).toMatchObject({ status: 'enrolled', referralId });
    // The provider still sees whom: the person of the referral.
    const list = await app.gql(
      'vhs-rheine',
      `query($id: ID!) { course(id: $id) { enrolments(first: 50) { edges { node { personId referralId } } } } }`,
      { id: courseId },
    );
    expect(list.body.data.course.enrolments.edges.map((e: any) => e.node)).toContainEqual({ personId, referralId });
  });

  it('a referral that is not accepted does not enrol anybody', async () => {
    const personId = (await registerPerson(app, 'rheine-social')).id;
    const referralId = await referToVhs(app, personId);
    const res = await enrol('vhs-rheine', { courseId, referralId }, 'id');
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'referralId' });
  });

  it('another provider can neither enrol into, end, nor list the course', async () => {
    const personId = (await registerPerson(app, 'rheine-social')).id;
    const intruder = await enrol('fbs-rheine', { courseId, personId }, 'id');
    expect(intruder.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    const mine = await enrolViaApi(app, 'vhs-rheine', { courseId, personId });
    const ended = await app.gql('fbs-rheine', `mutation($i: EndEnrolmentInput!) { endEnrolment(input: $i) { id } }`, {
      i: { enrolmentId: mine.id, status: 'dropped', reason: 'other' },
    });
    expect(ended.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    const listed = await app.gql('fbs-rheine', `query($id: ID!) { course(id: $id) { enrolments { totalCount } } }`, {
      id: courseId,
    });
    expect(listed.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('Person.enrolments: the provider sees them; a partner without a basis for course participation does not', async () => {
    // The VHS knows the person through the open referral (the city's person(id) needs identity).
    const { personId, referralId } = await acceptedReferral();
    const mine = await enrolViaApi(app, 'vhs-rheine', { courseId, referralId, shiftWorker: true });
    const query = `query($id: ID!) { person(id: $id) { id enrolments { id status shiftWorker course { id } } } }`;
    const seen = await app.gql('vhs-rheine', query, { id: personId });
    expect(seen.body.data.person.enrolments).toEqual([
      { id: mine.id, status: 'enrolled', shiftWorker: true, course: { id: courseId } },
    ]);
    const denied = await app.gql('jobcenter-steinfurt', query, { id: personId });
    expect(denied.body.data?.person?.enrolments ?? null).toBeNull();
    expect(denied.body.errors.map((e: any) => e.extensions)).toContainEqual(
      expect.objectContaining({ code: 'FORBIDDEN', category: 'course_participation' }),
    );
  });
});
