import { countQueries } from '../helpers/query-counter';
import { createCourse, enrolPerson, registerCourseProvider, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

/** House rule: no N+1. Seats and waitlists of a page of courses are counted in one batch. */
describe('course seats query count', () => {
  let app: TestApp;
  let queries: ReturnType<typeof countQueries>;

  beforeAll(async () => {
    app = await startTestApp();
    const providerId = (await registerCourseProvider(app, 'vhs-rheine')).id;
    for (let i = 0; i < 8; i++) {
      const course = await createCourse(app, 'vhs-rheine', { providerId, capacity: 1 });
      for (let j = 0; j < 2; j++) {
        const person = await registerPerson(app, 'rheine-social');
        await enrolPerson(app, 'vhs-rheine', { courseId: course.id, personId: person.id });
      }
    }
    queries = countQueries(app);
  });
  afterAll(() => app?.stop());

  async function countFor(first: number): Promise<number> {
    queries.reset();
    const res = await app.gql(
      'vhs-rheine',
      `query($first: Int) { courses(first: $first) { edges { node { id seatsTaken seatsFree waitlistLength } } } }`,
      { first },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.courses.edges).toHaveLength(first);
    for (const e of res.body.data.courses.edges)
      expect(e.node).toMatchObject({ seatsTaken: 1, seatsFree: 0, waitlistLength: 1 });
    return queries.count;
  }

  it('counts the same for 2 and 8 courses', async () => {
    await countFor(1);
    const small = await countFor(2);
    expect(await countFor(8)).toBe(small);
    expect(small).toBeGreaterThanOrEqual(2);
  });
});
