import { caseFact, clearIndicatorFacts, referralFact, times } from '../factories/indicator.factory';
import { startTestApp, TestApp } from '../helpers/app';
import { byKey, figures } from './support';

/**
 * Secondary suppression (docs/indicators.md, Small numbers): a figure that is not small is
 * suppressed as well (`suppression: complement`) when, shown, it would let a suppressed number be
 * worked out from a sum the report shows. Hand-made facts, asked by social planning for 2019.
 */
describe('indicators: no suppressed number can be worked out from the shown ones', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app?.stop());
  beforeEach(() => clearIndicatorFacts(app));

  /** `planned` and `unplanned` cases closed in 2019 (after 183 days), `open` still open at its end. */
  async function cases(planned: number, unplanned: number, open: number): Promise<void> {
    await times(planned, () => caseFact(app, { opened_on: '2019-03-31', closed_on: '2019-09-30', closure: 'planned' }));
    await times(unplanned, () =>
      caseFact(app, { opened_on: '2019-03-31', closed_on: '2019-09-30', closure: 'unplanned' }),
    );
    await times(open, () => caseFact(app, { opened_on: '2019-03-31' }));
  }

  it('the pilot’s closures: 3 planned, 4 unplanned, 3 open — the duration’s count would give the open ones away', async () => {
    await cases(3, 4, 3);
    const f = await figures(app, '2019', 'case_management');
    // 10 cases open in 2019: shown.
    expect(f['cm.cases']).toMatchObject({ value: 10, suppressed: false, suppression: null });
    // 3, 4 and 3: small numbers.
    for (const k of ['cm.closures_planned', 'cm.closures_unplanned', 'cm.still_open'])
      expect(f[k]).toMatchObject({ value: null, suppressed: true, suppression: 'small_number' });
    // The duration stands on the 7 closed cases (not small), but 10 cases − 7 closed = 3 still open:
    // suppressed as the complement, its mean, range and count with it.
    expect(f['cm.duration']).toMatchObject({
      value: null,
      numerator: null,
      min: null,
      max: null,
      suppressed: true,
      suppression: 'complement',
    });
  });

  it('6 planned, 3 unplanned, 3 open: the planned closures and then the duration go too', async () => {
    await cases(6, 3, 3);
    const f = await figures(app, '2019', 'case_management');
    // Shown, 9 closed (the duration's count) − 6 planned = 3 unplanned: the planned closures (the
    // smallest shown part of that sum) are suppressed. Then 12 cases − 9 closed = 3 still open:
    // the duration is suppressed too. What is left shown tells nothing suppressed: 12 cases.
    expect(f['cm.cases']).toMatchObject({ value: 12, suppressed: false });
    expect(f['cm.closures_planned']).toMatchObject({ value: null, suppressed: true, suppression: 'complement' });
    expect(f['cm.closures_unplanned']).toMatchObject({ suppressed: true, suppression: 'small_number' });
    expect(f['cm.still_open']).toMatchObject({ suppressed: true, suppression: 'small_number' });
    expect(f['cm.duration']).toMatchObject({ value: null, suppressed: true, suppression: 'complement' });
  });

  it('nothing small, nothing more suppressed; the owner’s internal mode suppresses nothing', async () => {
    await cases(6, 5, 5);
    const f = await figures(app, '2019', 'case_management');
    // 16 = 6 + 5 + 5, 11 closed after 183 days (6.0 months).
    expect(f['cm.cases']).toMatchObject({ value: 16, suppressed: false });
    expect(f['cm.closures_planned']).toMatchObject({ value: 6, suppressed: false });
    expect(f['cm.duration']).toMatchObject({ value: 6, numerator: 11, suppressed: false, suppression: null });

    await clearIndicatorFacts(app);
    await cases(3, 4, 3);
    const own = await figures(app, '2019', 'case_management', { partner: 'rheine-social', internal: true });
    expect(own['cm.still_open']).toMatchObject({ value: 3, suppressed: false });
    expect(own['cm.duration']).toMatchObject({ value: 6, numerator: 7, suppressed: false });
  });

  it('a count breakdown with one small category suppresses its smallest shown category too', async () => {
    // By type, every known type: integration_course 9, arrival_counselling 8, district_office 7,
    // school_placement 6, benefit_handover 5, youth_to_adult 5, moved_away 3 → total 43 shown.
    // Alone, moved_away would be 43 − 40 = 3: the smallest shown category goes with it, of the two
    // fives the first in the definition's order (benefit_handover).
    const counts: Array<[string, number]> = [
      ['integration_course', 9],
      ['arrival_counselling', 8],
      ['district_office', 7],
      ['school_placement', 6],
      ['benefit_handover', 5],
      ['youth_to_adult', 5],
      ['moved_away', 3],
    ];
    for (const [type, n] of counts) await times(n, () => referralFact(app, { referral_type: type }));
    const f = await figures(app, '2019', 'referrals');
    expect(f['referrals.by_type']).toMatchObject({ value: 43, suppressed: false });
    const t = byKey(f['referrals.by_type']);
    expect(t.moved_away).toMatchObject({ value: null, suppressed: true, suppression: 'small_number' });
    expect(t.benefit_handover).toMatchObject({ value: null, suppressed: true, suppression: 'complement' });
    expect(t.youth_to_adult).toMatchObject({ value: 5, suppressed: false, suppression: null });
    expect(t.integration_course).toMatchObject({ value: 9, suppressed: false });
    // By outcome, all 43 are open (requested): every other outcome is 0, so several categories are
    // suppressed already and none more is.
    const o = byKey(f['referrals.by_outcome']);
    expect(o.open).toMatchObject({ value: 43, suppressed: false });
    expect(Object.values(o).filter((c) => c.suppression === 'complement')).toEqual([]);
  });
});
