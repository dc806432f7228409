import { isoDay } from '../../src/shared/time';
import { CourseKind, CourseStatus, Weekday } from '../../src/subgraphs/courses/course/course.types';
import {
  asHub,
  createCourse,
  entitlementMutation,
  entitlementsOf,
  issueEntitlementViaApi,
  registerCourseProvider,
  registerPerson,
} from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

const DAY = 86_400_000;
const day = (offsetDays: number) => isoDay(new Date(Date.now() + offsetDays * DAY));
const WEEKDAYS = [Weekday.SU, Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA];

/**
 * A seat and the entitlement (Berechtigungsschein) for it are one thing: taking up a seat in an
 * integration course puts the person's entitlement in use at that provider; a provider cannot
 * enrol someone whose entitlement another provider holds (the Mr R. case), and attended lessons
 * count as used hours, once per day.
 */
describe('enrolments use the entitlement', () => {
  let app: TestApp;
  const providers = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    for (const slug of ['vhs-rheine', 'fbs-rheine']) providers.set(slug, (await registerCourseProvider(app, slug)).id);
  });
  afterAll(() => app?.stop());

  /** A running integration course at `slug` with one 3-lesson slot on the weekday of day(-2). */
  const integrationCourse = (slug: string, kind = CourseKind.integration_course) =>
    createCourse(app, slug, {
      providerId: providers.get(slug)!,
      kind,
      capacity: 5,
      startsOn: day(-30),
      status: CourseStatus.running,
      lessonsPerWeek: 3,
      weeklySlots: [{ weekday: WEEKDAYS[new Date(`${day(-2)}T00:00:00Z`).getUTCDay()], startsAt: '09:00', lessons: 3 }],
    });
  const enrol = (partner: string, courseId: string, personId: string) =>
    app.gql(partner, `mutation($i: EnrolInput!) { enrol(input: $i) { id status } }`, { i: { courseId, personId } });
  const attend = (enrolmentId: string, sessionOn: string, present = true) =>
    app.gql('vhs-rheine', `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { present } }`, {
      i: { enrolmentId, sessionOn, present },
    });
  const entitlement = async (personId: string) => (await entitlementsOf(app, 'rheine-abh', personId)).entitlements[0];

  it('enrolling puts an issued entitlement in use at the provider; attended lessons count once a day', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const issued = await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id, hoursGranted: 600 });
    expect(issued.errors).toBeNull();
    const course = await integrationCourse('vhs-rheine');
    const res = await enrol('vhs-rheine', course.id, person.id);
    expect(res.body.data.enrol).toMatchObject({ status: 'enrolled' });
    expect(await entitlement(person.id)).toMatchObject({
      status: 'in_use',
      registeredProvider: 'vhs-rheine',
      hoursUsed: 0,
    });

    const enrolmentId = res.body.data.enrol.id;
    expect((await attend(enrolmentId, day(-2))).body.errors).toBeUndefined();
    expect((await attend(enrolmentId, day(-2))).body.errors).toBeUndefined(); // again: no second count
    expect((await entitlement(person.id)).hoursUsed).toBe(3);
    // Absent, then corrected to present: counted when it turns present, once.
    await attend(enrolmentId, day(-9), false);
    await attend(enrolmentId, day(-9), true);
    expect((await entitlement(person.id)).hoursUsed).toBe(6);
  });

  it('a provider cannot enrol a person whose entitlement another provider holds: CONFLICT naming it, nothing written', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const id = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement.id;
    await entitlementMutation(app, 'fbs-rheine', 'registerEntitlement', { entitlementId: id });
    const course = await integrationCourse('vhs-rheine');
    const res = await enrol('vhs-rheine', course.id, person.id);
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      entitlementId: id,
      registeredProvider: 'fbs-rheine',
      allowedActions: ['transferEntitlement'],
    });
    const [{ n }] = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        'SELECT count(*)::int AS n FROM courses.enrolment WHERE person_id = $1',
        [person.id],
      ),
    );
    expect(n).toBe(0);
    // Transferred first, the enrolment goes through.
    await entitlementMutation(app, 'rheine-abh', 'transferEntitlement', {
      entitlementId: id,
      toProvider: 'vhs-rheine',
      reason: 'provider_change',
    });
    expect((await enrol('vhs-rheine', course.id, person.id)).body.data.enrol).toMatchObject({ status: 'enrolled' });
    expect(await entitlement(person.id)).toMatchObject({ status: 'in_use', registeredProvider: 'vhs-rheine' });
  });

  it('a course no entitlement covers (language offensive) leaves the entitlement as it is', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id });
    const course = await integrationCourse('vhs-rheine', CourseKind.language_offensive);
    expect((await enrol('vhs-rheine', course.id, person.id)).body.data.enrol).toMatchObject({ status: 'enrolled' });
    expect(await entitlement(person.id)).toMatchObject({ status: 'issued', registeredProvider: null });
  });
});
