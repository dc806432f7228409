import { caseFact, clearIndicatorFacts, EMSDETTEN, referralFact, times } from '../factories/indicator.factory';
import { startTestApp, TestApp } from '../helpers/app';
import { byKey, figures } from './support';

const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
const plusDays = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);

/**
 * The case management and referral indicators (docs/indicators.md) from hand-made facts, asked
 * by the city's social planning for 2019. Every expected value is worked out in the comments.
 */
describe('indicators: case management and referrals', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app?.stop());
  beforeEach(() => clearIndicatorFacts(app));

  it('case management: cases, appointments, closures, goal attainment, topics, duration', async () => {
    // 6 planned closures in 2019: 4 appointments due and kept each; 5 goals agreed each, reached
    // 5, 5, 5, 4, 4, 4 (27 of 30).
    // 5 unplanned closures in 2019: 4 due, 2 kept each; 4 goals agreed each, reached 2, 2, 1, 1, 0 (6 of 20).
    // Durations of the 11 closed: 9 × 183 days, 1 × 122, 1 × 244 (opened that many days before).
    const durations = [183, 183, 183, 183, 183, 183, 183, 183, 183, 122, 244];
    const closedOn = '2019-09-30';
    const openedOn = (days: number) =>
      new Date(Date.parse(`${closedOn}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
    const planned = [5, 5, 5, 4, 4, 4];
    const unplanned = [2, 2, 1, 1, 0];
    // Topics over all 16 cases: housing 8, health 7, education 7, family 3, language 0.
    const topics = (i: number) =>
      [i < 8 ? 'housing' : null, i >= 9 ? 'health' : null, i % 2 === 0 && i < 14 ? 'education' : null].concat(
        i >= 13 ? ['family'] : [],
      );
    let i = 0;
    for (const reached of planned)
      await caseFact(app, {
        opened_on: openedOn(durations[i]),
        closed_on: closedOn,
        closure: 'planned',
        appointments_due: 4,
        appointments_kept: 4,
        goals_agreed: 5,
        goals_reached: reached,
        topics: topics(i++).filter(Boolean),
      });
    for (const reached of unplanned)
      await caseFact(app, {
        opened_on: openedOn(durations[i]),
        closed_on: closedOn,
        closure: 'unplanned',
        appointments_due: 4,
        appointments_kept: 2,
        goals_agreed: 4,
        goals_reached: reached,
        topics: topics(i++).filter(Boolean),
      });
    // 5 still open at the end of 2019: 3 not closed (2 due, 2 kept each), 2 closed only in 2020
    // (no appointment due: not in the "kept every one" count). Their goals and durations do not count.
    for (let k = 0; k < 5; k++)
      await caseFact(app, {
        opened_on: '2019-02-01',
        closed_on: k < 3 ? null : '2020-02-01',
        closure: k < 3 ? null : 'planned',
        appointments_due: k < 3 ? 2 : 0,
        appointments_kept: k < 3 ? 2 : 0,
        goals_agreed: 10,
        goals_reached: 0,
        topics: topics(i++).filter(Boolean),
      });
    // Outside: closed in 2018, opened in 2020, and a case in Emsdetten (all planned with housing).
    const outside = { closure: 'planned', appointments_due: 10, goals_agreed: 10, topics: ['housing', 'language'] };
    await caseFact(app, { ...outside, opened_on: '2018-01-01', closed_on: '2018-12-31' });
    await caseFact(app, { ...outside, opened_on: '2020-01-02', closed_on: '2020-01-30' });
    await caseFact(app, { ...outside, opened_on: '2019-01-02', closed_on: closedOn, municipality_key: EMSDETTEN });

    const f = await figures(app, '2019', 'case_management');
    // 6 + 5 + 5 = 16 cases open at some time of 2019.
    expect(f['cm.cases']).toMatchObject({ value: 16 });
    // Appointments kept: (6×4 + 5×2 + 3×2) = 40 of (6×4 + 5×4 + 3×2) = 50 due → 0.8.
    expect(f['cm.appointments_kept']).toMatchObject({ value: 0.8, numerator: 40, denominator: 50 });
    // Kept every one: 6 planned + 3 open = 9 of the 14 cases with an appointment due → 0.6429.
    expect(f['cm.kept_every_appointment']).toMatchObject({ value: 0.6429, numerator: 9, denominator: 14 });
    expect(f['cm.closures_planned']).toMatchObject({ value: 6 });
    expect(f['cm.closures_unplanned']).toMatchObject({ value: 5 });
    expect(f['cm.still_open']).toMatchObject({ value: 5 });
    // Goals: planned 27/30 → 0.9; unplanned 6/20 → 0.3.
    expect(f['cm.goals_planned']).toMatchObject({ value: 0.9, numerator: 27, denominator: 30 });
    expect(f['cm.goals_unplanned']).toMatchObject({ value: 0.3, numerator: 6, denominator: 20 });
    // Topics of the 16: housing 8/16 → 0.5, health 7/16 → 0.4375, education 7/16 → 0.4375,
    // family 3 (suppressed), language 0 (suppressed; the Emsdetten and 2018/2020 cases must not count).
    const t = byKey(f['cm.topics']);
    expect(t.housing).toMatchObject({ value: 0.5, numerator: 8 });
    expect(t.health).toMatchObject({ value: 0.4375, numerator: 7 });
    expect(t.education).toMatchObject({ value: 0.4375, numerator: 7 });
    expect(t.family).toMatchObject({ suppressed: true, value: null });
    expect(t.language).toMatchObject({ suppressed: true, value: null });
    // Duration: mean (9×183 + 122 + 244) / 11 = 183 days = 6.01 months → 6.0; min 122 days → 4.0;
    // max 244 days → 8.0 (days ÷ 30.4375, one decimal); 11 cases behind it.
    expect(f['cm.duration']).toMatchObject({ value: 6, min: 4, max: 8, numerator: 11, suppressed: false });
  });

  it('a breakdown lists codes its definition does not know after the known ones, labelled by their code', async () => {
    // 10 cases: 5 with housing, 5 with the code "debts" (and housing on one of them) → housing 6/10, debts 5/10.
    await times(5, () => caseFact(app, { topics: ['housing'] }));
    await times(5, (i) => caseFact(app, { topics: i === 0 ? ['debts', 'housing'] : ['debts'] }));
    const f = await figures(app, '2019', 'case_management');
    const keys = f['cm.topics'].breakdown.map((b) => b.key);
    expect(keys.at(-1)).toBe('debts');
    expect(byKey(f['cm.topics']).debts).toMatchObject({ value: 0.5, numerator: 5, label: 'debts' });
    expect(byKey(f['cm.topics']).housing).toMatchObject({ value: 0.6, numerator: 6 });
  });

  it('referrals: by type and outcome, time to acceptance, agreement compliance, handover gaps', async () => {
    const requested = at('2019-05-06');
    // 6 integration-course referrals (sender rheine-social): statuses and days to acceptance
    //   completed got_help (1 day), completed got_help (2), completed partially_helped (2),
    //   completed no_help_needed (3), accepted (3), rejected (never accepted).
    const referrals: Array<[string, string | null, number | null]> = [
      ['completed', 'got_help', 1],
      ['completed', 'got_help', 2],
      ['completed', 'partially_helped', 2],
      ['completed', 'no_help_needed', 3],
      ['accepted', null, 3],
      ['rejected', null, null],
    ];
    for (const [status, outcome, days] of referrals)
      await referralFact(app, {
        status,
        outcome,
        requested_at: requested,
        accepted_at: days === null ? null : plusDays(requested, days),
        deadlines_due: 2,
        deadlines_met: status === 'rejected' ? 0 : 2,
      });
    // 6 benefit handovers (transfers): gaps 2, 3, 5, 7, 13 days and one not accepted yet (no gap).
    //   statuses: completed got_help (4 days), completed got_help (5), in_progress (6), accepted (10),
    //   rejected, requested.
    const transfers: Array<[string, string | null, number | null, number | null]> = [
      ['completed', 'got_help', 4, 2],
      ['completed', 'got_help', 5, 3],
      ['in_progress', null, 6, 5],
      ['accepted', null, 10, 7],
      ['rejected', null, null, 13],
      ['requested', null, null, null],
    ];
    for (const [status, outcome, days, gap] of transfers)
      await referralFact(app, {
        kind: 'transfer',
        referral_type: 'benefit_handover',
        purpose: 'benefit_handover',
        sender: 'rheine-asylblg',
        receiver: 'jobcenter-steinfurt',
        status,
        outcome,
        requested_at: requested,
        accepted_at: days === null ? null : plusDays(requested, days),
        gap_days: gap,
        deadlines_due: 1,
        deadlines_met: status === 'requested' || status === 'rejected' ? 0 : 1,
      });
    // 2 district-office referrals, expired; requested late on 31 December in Berlin (23:30 local
    // is 22:30 UTC): still 2019.
    await times(2, () =>
      referralFact(app, {
        referral_type: 'district_office',
        status: 'expired',
        requested_at: new Date('2019-12-31T22:30:00Z'),
      }),
    );
    // Outside: a draft, one entered in error, one requested on 1 January 2020 at 00:30 Berlin
    // (23:30 UTC on 31 December), one of 2018, one in Emsdetten — each a district-office transfer
    // with a long gap.
    const noise = { referral_type: 'district_office', kind: 'transfer', gap_days: 400, deadlines_due: 9 };
    await referralFact(app, { ...noise, status: 'draft' });
    await referralFact(app, { ...noise, status: 'entered_in_error' });
    await referralFact(app, { ...noise, requested_at: new Date('2019-12-31T23:30:00Z') });
    await referralFact(app, { ...noise, requested_at: at('2018-06-01') });
    await referralFact(app, { ...noise, municipality_key: EMSDETTEN });

    const f = await figures(app, '2019', 'referrals');
    // By type: integration_course 6, benefit_handover 6, district_office 2 (suppressed); total 14.
    const type = byKey(f['referrals.by_type']);
    expect(f['referrals.by_type']).toMatchObject({ value: 14, suppressed: false });
    expect(type.integration_course).toMatchObject({ value: 6 });
    expect(type.benefit_handover).toMatchObject({ value: 6 });
    expect(type.district_office).toMatchObject({ suppressed: true, value: null });
    // By outcome: helped = 3 + 2 = 5; completed otherwise 1; accepted or in progress 1 + 2 = 3;
    // rejected 2; expired 2; open 1. Only "helped" reaches 5.
    const outcome = byKey(f['referrals.by_outcome']);
    expect(outcome.helped).toMatchObject({ value: 5, suppressed: false });
    for (const k of ['completed_other', 'accepted', 'rejected', 'expired', 'open', 'failed', 'cancelled'])
      expect(outcome[k]).toMatchObject({ suppressed: true });
    expect(f['referrals.by_outcome']).toMatchObject({ value: 14 });
    // Time to acceptance of the 9 accepted: 1, 2, 2, 3, 3, 4, 5, 6, 10 days → mean 36/9 = 4.0, min 1, max 10.
    expect(f['referrals.time_to_acceptance']).toMatchObject({ value: 4, min: 1, max: 10, numerator: 9 });
    // Deadlines: referrals 5×2 met of 6×2 due, transfers 4 met of 6 due → 14 of 18 → 0.7778.
    expect(f['referrals.agreement_compliance']).toMatchObject({ value: 0.7778, numerator: 14, denominator: 18 });
    // Handover gaps of the 5 transfers with a gap: 2, 3, 5, 7, 13 → mean 6, min 2, max 13; all 5 above 0.
    expect(f['referrals.handover_gap']).toMatchObject({ value: 6, min: 2, max: 13, numerator: 5 });
    expect(f['referrals.handovers_with_gap']).toMatchObject({ value: 5, suppressed: false });
  });
});
