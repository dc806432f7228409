import {
  clearIndicatorFacts,
  courseFact,
  EMSDETTEN,
  enrolmentFact,
  times,
  visitFact,
} from '../factories/indicator.factory';
import { startTestApp, TestApp } from '../helpers/app';
import { byKey, figures } from './support';

/**
 * The arrival counselling and language offensive indicators (docs/indicators.md) from hand-made
 * facts, asked by the city's social planning for 2019. Every expected value is worked out in the
 * comments; rows outside the period or Rheine's jurisdiction must not count.
 */
describe('indicators: arrival counselling and language offensive', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app?.stop());
  beforeEach(() => clearIndicatorFacts(app));

  it('arrival counselling: visits, as planned, follow-up within 2 months, topics', async () => {
    // 10 visits took place in 2019: 9 as planned, 1 not as planned (held on another day).
    // Topics of these 10: language 7, childcare 6, housing 5, school_entry 2, labour_market 0.
    // Follow-up: 8 of them were due by 2019-12-31; 5 of those had a district-office or
    // school-placement contact in time, 1 was late, 2 had none. 2 were due only in 2020.
    const topics = (i: number) =>
      [
        i < 7 ? 'language' : null,
        i < 6 ? 'childcare' : null,
        i >= 5 ? 'housing' : null,
        i < 2 ? 'school_entry' : null,
      ].filter(Boolean);
    await times(10, (i) =>
      visitFact(app, {
        planned_on: i < 8 ? '2019-04-10' : '2019-11-20',
        as_planned: i !== 9,
        topics: topics(i),
        follow_up_due_on: i < 8 ? '2019-06-10' : '2020-01-20',
        // In time: visits 0-4 (3 district office, 2 school placement); 5 late; 6 and 7 none.
        // Visit 8 (due only in 2020) had its contact already: it still must not count.
        follow_up_kind: i < 3 || i === 5 || i === 8 ? 'district_office' : i < 5 ? 'school_placement' : null,
        follow_up_in_time: i < 5 || i === 8 ? true : i === 5 ? false : null,
      }),
    );
    // 2 visits did not take place (their topics must not count), 1 is still planned.
    await times(2, () =>
      visitFact(app, { status: 'did_not_take_place', as_planned: false, topics: ['language', 'labour_market'] }),
    );
    await visitFact(app, { status: 'planned', as_planned: null, planned_on: '2019-12-30' });
    // Outside: a visit planned in 2018, and one in Emsdetten (another jurisdiction).
    await visitFact(app, { planned_on: '2018-12-31', topics: ['labour_market'] });
    await visitFact(app, { municipality_key: EMSDETTEN, topics: ['labour_market'] });
    // Outside the period, but due: it must not raise the follow-up count either.
    await visitFact(app, {
      planned_on: '2018-11-30',
      follow_up_due_on: '2019-01-30',
      follow_up_kind: 'district_office',
      follow_up_in_time: true,
    });

    const f = await figures(app, '2019', 'arrival_counselling');
    // 10 visits took place.
    expect(f['arrival.visits']).toMatchObject({ value: 10, suppressed: false });
    // 9 as planned of 12 concluded (10 took place + 2 did not; the planned one is not concluded) → 0.75.
    expect(f['arrival.visits_as_planned']).toMatchObject({ value: 0.75, numerator: 9, denominator: 12 });
    // 5 in time of 8 due by the period's end → 0.625.
    expect(f['arrival.follow_up_in_time']).toMatchObject({ value: 0.625, numerator: 5, denominator: 8 });
    // Topics of the 10 that took place: language 7/10, childcare 6/10, housing 5/10; school_entry (2)
    // and labour_market (0) are below 5 and suppressed.
    const t = byKey(f['arrival.topics']);
    expect(f['arrival.topics']).toMatchObject({ denominator: 10, suppressed: false });
    expect(t.language).toMatchObject({ value: 0.7, numerator: 7, suppressed: false });
    expect(t.childcare).toMatchObject({ value: 0.6, numerator: 6 });
    expect(t.housing).toMatchObject({ value: 0.5, numerator: 5 });
    expect(t.school_entry).toMatchObject({ value: null, numerator: null, suppressed: true });
    expect(t.labour_market).toMatchObject({ value: null, suppressed: true });
    expect(Object.keys(t)).toEqual(['language', 'childcare', 'school_entry', 'labour_market', 'housing']);
  });

  it('the follow-up counts only deadlines passed by today within a running period', async () => {
    // The current year, which ends after today: a deadline passed yesterday counts, one passing
    // tomorrow does not (the family still has time).
    const today = new Date();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const year = today.getUTCFullYear();
    const inYear = (d: string) => d.startsWith(String(year));
    if (!inYear(day(-1)) || !inYear(day(1)) || !inYear(day(-62))) return; // first and last days of a year: nothing to show
    await times(5, () =>
      visitFact(app, {
        planned_on: day(-62),
        follow_up_due_on: day(-1),
        follow_up_kind: 'district_office',
        follow_up_in_time: true,
      }),
    );
    await times(5, () =>
      visitFact(app, {
        planned_on: day(-62),
        follow_up_due_on: day(1),
        follow_up_kind: 'district_office',
        follow_up_in_time: true,
      }),
    );
    const f = await figures(app, String(year), 'arrival_counselling');
    // 5 due by yesterday, all in time → 5/5; the 5 due tomorrow are in neither count.
    expect(f['arrival.follow_up_in_time']).toMatchObject({ value: 1, numerator: 5, denominator: 5 });
  });

  it('language offensive: parallel courses, participants, mean course size and the shares', async () => {
    // Counted courses in 2019 (8), by kind and dates:
    //   c1 language_offensive 01-01..06-30, c2 women_with_childcare 03-01..12-31,
    //   c3 evening_course 05-01..open, c4 literacy 07-01..09-30, c5 parents_course 2018-09-01..02-28,
    //   c6 apprentice_course 10-01..2020-03-31, c7 language_offensive 06-01..06-30,
    //   c8 apprentice_course 06-15..07-15.
    // Most running on one day: 06-15..06-30 c1, c2, c3, c7, c8 → 5 (July 1-15: c2, c3, c4, c8 → 4).
    const courses: Array<[string, string, string | null]> = [
      ['language_offensive', '2019-01-01', '2019-06-30'],
      ['women_with_childcare', '2019-03-01', '2019-12-31'],
      ['evening_course', '2019-05-01', null],
      ['literacy', '2019-07-01', '2019-09-30'],
      ['parents_course', '2018-09-01', '2019-02-28'],
      ['apprentice_course', '2019-10-01', '2020-03-31'],
      ['language_offensive', '2019-06-01', '2019-06-30'],
      ['apprentice_course', '2019-06-15', '2019-07-15'],
    ];
    for (const [kind, starts_on, ends_on] of courses) await courseFact(app, { kind, starts_on, ends_on });
    // Not counted, each of them running in June 2019 (any would make the maximum 6):
    await courseFact(app, { kind: 'integration_course', starts_on: '2019-06-01', ends_on: '2019-06-30' });
    await courseFact(app, { kind: 'vocational_language', starts_on: '2019-06-01', ends_on: '2019-06-30' });
    await courseFact(app, { status: 'cancelled', starts_on: '2019-06-01', ends_on: '2019-06-30' });
    await courseFact(app, { municipality_key: EMSDETTEN, starts_on: '2019-06-01', ends_on: '2019-06-30' });
    await courseFact(app, { starts_on: '2018-01-01', ends_on: '2018-12-31' });

    // 50 participations active in 2019: 33 women, 18 using childcare, 8 shift workers (42-49),
    // apprentices 0-2 and evening participants 2-4 (5 distinct), 5 in a parallel integration course (10-14).
    await times(50, (i) =>
      enrolmentFact(app, {
        sex: i < 33 ? 'female' : 'male',
        uses_childcare: i < 18,
        shift_worker: i >= 42,
        apprentice: i <= 2,
        evening_participant: i >= 2 && i <= 4,
        parallel_integration_course: i >= 10 && i <= 14,
        // Other statuses of someone who held a place, and places begun before or ended in 2019.
        status: i === 20 ? 'completed' : i === 21 ? 'dropped' : i === 22 ? 'transferred' : 'enrolled',
        enrolled_on: i === 23 || i === 24 ? '2018-10-01' : '2019-02-01',
        ended_on: i === 20 ? '2019-06-30' : i === 21 ? '2019-03-01' : i === 24 ? '2019-01-10' : null,
      }),
    );
    // Not counted (all women, to move the share if they were): waitlisted, offered, an integration
    // course, ended in 2018, begun in 2020, in Emsdetten.
    const woman = { sex: 'female' };
    await enrolmentFact(app, { ...woman, status: 'waitlisted', enrolled_on: null });
    await enrolmentFact(app, { ...woman, status: 'offered', enrolled_on: null });
    await enrolmentFact(app, { ...woman, course_kind: 'integration_course' });
    await enrolmentFact(app, { ...woman, status: 'completed', enrolled_on: '2018-02-01', ended_on: '2018-12-20' });
    await enrolmentFact(app, { ...woman, enrolled_on: '2020-01-05' });
    await enrolmentFact(app, { ...woman, municipality_key: EMSDETTEN });

    const f = await figures(app, '2019', 'language_offensive');
    expect(f['language.courses_parallel']).toMatchObject({ value: 5, suppressed: false });
    expect(f['language.courses']).toMatchObject({ value: 8 });
    expect(f['language.participants']).toMatchObject({ value: 50 });
    // 50 participations / 8 courses → 6.25.
    expect(f['language.mean_course_size']).toMatchObject({ value: 6.25, numerator: 50, denominator: 8 });
    // 33/50 women → 0.66; 18/50 childcare → 0.36; 8/50 shift → 0.16; 5/50 apprentices or evening → 0.1;
    // 5/50 parallel integration course → 0.1.
    expect(f['language.share_women']).toMatchObject({ value: 0.66, numerator: 33, denominator: 50 });
    expect(f['language.share_childcare']).toMatchObject({ value: 0.36, numerator: 18 });
    expect(f['language.share_shift_workers']).toMatchObject({ value: 0.16, numerator: 8 });
    expect(f['language.share_apprentices_evening']).toMatchObject({ value: 0.1, numerator: 5 });
    expect(f['language.share_integration_course']).toMatchObject({ value: 0.1, numerator: 5 });
    const g = byKey(f['language.participant_groups']);
    expect(g.women).toMatchObject({ value: 0.66, numerator: 33 });
    expect(g.shift_workers).toMatchObject({ value: 0.16 });
  });
});
