import { startTestApp, TestApp } from '../helpers/app';
import { registerCourseProvider, YEAR_AHEAD } from '../factories';
import { RHEINE } from '../factories/person.factory';

/** A course's offer details (slots, evening/shift fit, women only, status) and a provider's approval, through GraphQL. */
describe('course offer details', () => {
  let app: TestApp;
  let providerId: string;

  beforeAll(async () => {
    app = await startTestApp();
    providerId = (
      await registerCourseProvider(app, 'fbs-rheine', {
        bamfApproval: 'IK-5566-0207',
        bamfApprovedUntil: `${YEAR_AHEAD}-06-30`,
        servedDistricts: ['Dorenkamp', ' Dorenkamp ', 'Schotthock'],
      })
    ).id;
  });
  afterAll(() => app?.stop());

  const FIELDS = `id kind status eveningOrShift womenOnly weeklySlots { weekday startsAt lessons }
    provider { bamfApproval bamfApprovedUntil servedDistricts }`;
  const create = (input: Record<string, unknown>) =>
    app.gql('fbs-rheine', `mutation($input: CreateCourseInput!) { createCourse(input: $input) { ${FIELDS} } }`, {
      input: {
        providerId,
        title: 'Deutsch lernen in Rheine',
        kind: 'language_offensive',
        targetLevel: 'A1',
        startsOn: `${YEAR_AHEAD}-03-01`,
        schedule: 'Di, Do',
        lessonsPerWeek: 4,
        capacity: 12,
        location: 'Kita Dorenkamp',
        district: 'Dorenkamp',
        municipalityKey: RHEINE,
        ...input,
      },
    });

  it('keeps slots in weekday order and derives evening fit from a slot at 17:00 or later', async () => {
    const res = await create({
      weeklySlots: [
        { weekday: 'TH', startsAt: '18:00', lessons: 2 },
        { weekday: 'TU', startsAt: '18:00', lessons: 2 },
      ],
      womenOnly: true,
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createCourse).toMatchObject({
      status: 'open',
      eveningOrShift: true,
      womenOnly: true,
      weeklySlots: [
        { weekday: 'TU', startsAt: '18:00', lessons: 2 },
        { weekday: 'TH', startsAt: '18:00', lessons: 2 },
      ],
      provider: {
        bamfApproval: 'IK-5566-0207',
        bamfApprovedUntil: `${YEAR_AHEAD}-06-30`,
        servedDistricts: ['Dorenkamp', 'Schotthock'],
      },
    });
  });

  it('a morning course is not evening-compatible unless it is for apprentices; it may start planned', async () => {
    const morning = await create({ weeklySlots: [{ weekday: 'MO', startsAt: '09:00', lessons: 4 }] });
    expect(morning.body.data.createCourse).toMatchObject({ eveningOrShift: false, womenOnly: false });
    const apprentices = await create({ kind: 'apprentice_course', status: 'planned' });
    expect(apprentices.body.data.createCourse).toMatchObject({ eveningOrShift: true, status: 'planned' });
  });

  it('refuses unsound slots and a new course that is already completed, naming the fields, and writes nothing', async () => {
    const before = await app.gql('fbs-rheine', '{ courses { totalCount } }');
    const res = await create({
      weeklySlots: [{ weekday: 'MO', startsAt: '25:00', lessons: 4 }],
      status: 'completed',
    });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const fields = res.body.errors?.[0].extensions?.fields;
    expect(fields).toEqual(expect.arrayContaining(['weeklySlots', 'status']));
    const after = await app.gql('fbs-rheine', '{ courses { totalCount } }');
    expect(after.body.data.courses.totalCount).toBe(before.body.data.courses.totalCount);
  });

  it('filters by status, level, district, women only and evening fit', async () => {
    const res = await app.gql(
      'fbs-rheine',
      `{ courses(filter: { status: [open], targetLevel: A1, district: "Dorenkamp", womenOnly: true, eveningOrShift: true })
         { totalCount edges { node { womenOnly eveningOrShift } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.courses.totalCount).toBe(1);
  });
});
