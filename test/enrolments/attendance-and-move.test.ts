import { isoDay } from '../../src/shared/time';
import { CourseStatus } from '../../src/subgraphs/courses/course/course.types';
import { asHub, createCourse, enrolPerson, registerCourseProvider, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

const DAY = 86_400_000;
const day = (offsetDays: number) => isoDay(new Date(Date.now() + offsetDays * DAY));

/** Attendance per session day of a running course, and the transfer of enrolments on a move. */
describe('attendance and moves', () => {
  let app: TestApp;
  let providerId: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    providerId = (await registerCourseProvider(app, 'vhs-rheine')).id;
  });
  afterAll(() => app?.stop());

  const running = () =>
    createCourse(app, 'vhs-rheine', { providerId, capacity: 1, startsOn: day(-30), status: CourseStatus.running });
  const record = (enrolmentId: string, sessionOn: string, present: boolean) =>
    app.gql(
      'vhs-rheine',
      `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { enrolmentId sessionOn present } }`,
      { i: { enrolmentId, sessionOn, present } },
    );
  const attendance = (enrolmentId: string) =>
    asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT to_char(session_on, 'YYYY-MM-DD') AS day, present FROM courses.attendance WHERE enrolment_id = $1`,
        [enrolmentId],
      ),
    );

  it('records one row per day (a second record corrects it), from the course start until today only', async () => {
    const course = await running();
    const [a, b] = [await registerPerson(app, 'rheine-social'), await registerPerson(app, 'rheine-social')];
    const enrolled = await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: a.id });
    const waiting = await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: b.id });
    expect((await record(enrolled.id, day(-2), true)).body.data.recordAttendance).toEqual({
      enrolmentId: enrolled.id,
      sessionOn: day(-2),
      present: true,
    });
    expect((await record(enrolled.id, day(-2), false)).body.errors).toBeUndefined();
    expect(await attendance(enrolled.id)).toEqual([{ day: day(-2), present: false }]);

    const before = await record(enrolled.id, day(-31), true);
    expect(before.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionOn' });
    const future = await record(enrolled.id, day(1), true);
    expect(future.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionOn' });
    const notParticipant = await record(waiting.id, day(-1), true);
    expect(notParticipant.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'waitlisted' });
    expect(await attendance(enrolled.id)).toHaveLength(1);
    expect(await attendance(waiting.id)).toHaveLength(0);
  });

  it('a move elsewhere transfers the enrolment, tells the old provider, and offers the seat on', async () => {
    const course = await running();
    const [a, b] = [await registerPerson(app, 'rheine-social'), await registerPerson(app, 'rheine-social')];
    const moving = await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: a.id });
    const next = await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: b.id });
    const enrolments = app.container.subgraphs.courses.services.enrolments;
    // Ochtrup (another municipality of the district).
    const result = await asHub(app, () => enrolments.transferForMove(undefined, a.id, '05566068', 'move-test'));
    expect(result.transferred).toEqual([moving.id]);
    expect(result.offers.map((o) => o.enrolmentId)).toEqual([next.id]);
    const rows = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT id, status, end_reason FROM courses.enrolment WHERE course_id = $1 ORDER BY created_at`,
        [course.id],
      ),
    );
    expect(rows).toEqual([
      { id: moving.id, status: 'transferred', end_reason: 'moved_away' },
      { id: next.id, status: 'offered', end_reason: null },
    ]);
    const [event] = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT payload FROM courses.outbox WHERE type = 'enrolment.transferred' AND aggregate_id = $1`,
        [moving.id],
      ),
    );
    expect(event.payload).toMatchObject({ enrolmentId: moving.id, provider: 'vhs-rheine', status: 'transferred' });
    // A move within the course's municipality changes nothing; a second call finds nothing to transfer.
    expect(
      (await asHub(app, () => enrolments.transferForMove(undefined, b.id, '05566076', 'move-test-2'))).transferred,
    ).toEqual([]);
    expect(
      (await asHub(app, () => enrolments.transferForMove(undefined, a.id, '05566068', 'move-test'))).transferred,
    ).toEqual([]);
  });
});
