import { systemActor } from '../../src/shared/actor';
import { clearIndicatorFacts, EMSDETTEN, referralFact, times, visitFact } from '../factories/indicator.factory';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { figures, INDICATORS, PLANNING, STATISTICS } from './support';

/**
 * Small numbers, periods, offers and who may ask (docs/indicators.md: Small numbers, Periods,
 * Access): suppression at exactly 4 and 5, the owner's audited internal mode, BAD_USER_INPUT
 * naming the argument, FORBIDDEN without the statistics basis.
 */
describe('indicators: suppression, internal mode, periods and access', () => {
  let app: TestApp;
  const audit = (requestOffset: number) =>
    asHub(app, () =>
      app.container.subgraphs.hub.dataSource.query(
        `SELECT kind, partner, person_ref, purpose, basis, operation, categories, detail FROM audit.entry
          WHERE seq > $1 ORDER BY seq`,
        [requestOffset],
      ),
    );
  const headSeq = async (): Promise<number> =>
    Number(
      (
        await asHub(app, () =>
          app.container.subgraphs.hub.dataSource.query('SELECT coalesce(max(seq), 0) AS s FROM audit.entry'),
        )
      )[0].s,
    );
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app?.stop());
  beforeEach(() => clearIndicatorFacts(app));

  it('suppresses a count of 4 and shows 5; a share with a numerator or denominator of 4 is suppressed', async () => {
    // Q1 2019: 4 visits took place as planned → count 4 (suppressed), share 4 of 4 (suppressed).
    await times(4, () => visitFact(app, { planned_on: '2019-02-01' }));
    let f = await figures(app, '2019-Q1', 'arrival_counselling');
    expect(f['arrival.visits']).toEqual(expect.objectContaining({ value: null, numerator: null, suppressed: true }));
    expect(f['arrival.visits_as_planned']).toEqual(
      expect.objectContaining({ value: null, numerator: null, denominator: null, suppressed: true }),
    );
    // A fifth → count 5 shown; 5 as planned of 5 concluded → 1.
    await visitFact(app, { planned_on: '2019-03-31' });
    f = await figures(app, '2019-Q1', 'arrival_counselling');
    expect(f['arrival.visits']).toMatchObject({ value: 5, numerator: 5, suppressed: false });
    expect(f['arrival.visits_as_planned']).toMatchObject({ value: 1, numerator: 5, denominator: 5, suppressed: false });
    // 5 more in February that did not take place: in Q1 5 as planned of 10 concluded → 0.5 shown;
    // February alone has 4 as planned of 9: the numerator 4 suppresses it, though the denominator is 9.
    await times(5, () => visitFact(app, { planned_on: '2019-02-01', status: 'did_not_take_place', as_planned: false }));
    f = await figures(app, '2019-Q1', 'arrival_counselling');
    expect(f['arrival.visits_as_planned']).toMatchObject({ value: 0.5, numerator: 5, denominator: 10 });
    f = await figures(app, '2019-02', 'arrival_counselling'); // February: 4 as planned of 9 concluded
    expect(f['arrival.visits_as_planned']).toMatchObject({ value: null, numerator: null, suppressed: true });
    // Zero is a small number too: nothing in 2020.
    f = await figures(app, '2020', 'arrival_counselling');
    expect(f['arrival.visits']).toMatchObject({ value: null, suppressed: true });
  });

  it('internal mode: the owner sees its own small numbers, unsuppressed, and the read is audited', async () => {
    // rheine-social's own visits: 4; caritas-rheine's: 3; another jurisdiction's own visit: 1.
    await times(4, () => visitFact(app, { owner: 'rheine-social' }));
    await times(3, () => visitFact(app, { owner: 'caritas-rheine' }));
    await visitFact(app, { owner: 'rheine-social', municipality_key: EMSDETTEN });
    // Referrals: 2 sent by rheine-social, 1 received by it, 6 between others.
    await times(2, () => referralFact(app, { sender: 'rheine-social', receiver: 'vhs-rheine' }));
    await referralFact(app, { sender: 'rheine-youth', receiver: 'rheine-social' });
    await times(6, () => referralFact(app, { sender: 'rheine-abh', receiver: 'vhs-rheine' }));

    const before = await headSeq();
    const own = await figures(app, '2019', null, { partner: 'rheine-social', internal: true });
    // Its own 4 visits of Rheine (not caritas's 3, not the one in Emsdetten), shown as 4.
    expect(own['arrival.visits']).toMatchObject({ value: 4, suppressed: false });
    // 2 sent + 1 received = 3 referrals; the 6 between others do not count.
    expect(own['referrals.by_type']).toMatchObject({ value: 3, suppressed: false });
    // One audit entry for the request: no person, purpose statistics, the basis named.
    const entries = await audit(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'read',
      partner: 'rheine-social',
      person_ref: null,
      purpose: 'statistics',
      operation: 'indicators',
      detail: { internal: true, period: '2019', offer: 'all' },
    });
    expect(entries[0].basis).toMatch(/^legal_basis:[0-9a-f-]{36}$/);

    // The same partner without internal: every owner's facts of its jurisdiction, suppressed below 5, no entry.
    const before2 = await headSeq();
    const open = await figures(app, '2019', 'arrival_counselling', { partner: 'rheine-social' });
    expect(open['arrival.visits']).toMatchObject({ value: 7, suppressed: false });
    expect(await audit(before2)).toEqual([]);

    // A non-owner in internal mode counts only its own facts: social planning owns none → 0, shown.
    const none = await figures(app, '2019', 'arrival_counselling', { internal: true });
    expect(none['arrival.visits']).toMatchObject({ value: 0, suppressed: false });
  });

  it('the system actor counts every fact, without jurisdiction, always suppressed and never internal', async () => {
    await times(3, () => visitFact(app));
    await times(3, () => visitFact(app, { municipality_key: EMSDETTEN }));
    const report = await app.container.subgraphs.hub.services.indicators.report(systemActor('test', 'cli:report'), {
      period: '2019',
      offer: 'arrival_counselling',
      internal: true,
    });
    expect(report).toMatchObject({ internal: false, minCount: 5, offer: 'arrival_counselling' });
    // 3 of Rheine + 3 of Emsdetten = 6 (social planning of Rheine sees only its 3, suppressed).
    expect(report.sets[0].indicators.find((i) => i.key === 'arrival.visits')).toMatchObject({ value: 6 });
    const f = await figures(app, '2019', 'arrival_counselling');
    expect(f['arrival.visits']).toMatchObject({ suppressed: true });
  });

  it.each([
    ['malformed', '2019-13'],
    ['malformed', 'last year'],
    ['malformed', '2019-02-30/2019-03-31'],
    ['open-ended', '2019-01-01/..'],
    ['open-ended', '/2019-12-31'],
    ['open-ended', '2019-01-01/'],
    ['reversed', '2019-12-31/2019-01-01'],
    ['too long (24 months and a day)', '2019-01-01/2021-01-01'],
  ])('a %s period (%s) is BAD_USER_INPUT naming period', async (_why, period) => {
    const res = await app.gql(PLANNING, INDICATORS, { p: period }, STATISTICS);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    expect(res.body.data?.indicators ?? null).toBeNull();
  });

  it('accepts the longest period and names the resolved days', async () => {
    const res = await app.gql(PLANNING, INDICATORS, { p: '2019-01-01/2020-12-31', o: 'referrals' }, STATISTICS);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.indicators).toMatchObject({
      period: { from: '2019-01-01', to: '2020-12-31', label: '2019-01-01/2020-12-31' },
      offer: 'referrals',
      internal: false,
      minCount: 5,
    });
    expect(res.body.data.indicators.sets.map((s: any) => s.offer)).toEqual(['referrals']);
  });

  it('an unknown offer is BAD_USER_INPUT naming offer, for the report and the definitions', async () => {
    const res = await app.gql(PLANNING, INDICATORS, { p: '2019', o: 'bingo' }, STATISTICS);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'offer' });
    const defs = await app.gql(PLANNING, `{ indicatorDefinitions(offer: "bingo") { key } }`, {}, STATISTICS);
    expect(defs.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'offer' });
  });

  it('is FORBIDDEN without the scope, for another purpose, or without a legal basis for statistics', async () => {
    // The immigration office holds neither the scope nor a basis.
    let res = await app.gql('rheine-abh', INDICATORS, { p: '2019' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'statistics:read' });
    // The advice team under its default purpose case_management: the report is for statistics only.
    res = await app.gql('rheine-social', INDICATORS, { p: '2019' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    // A partner with the scope and the purpose but no legal basis for statistics.
    const youth = {
      ...systemActor('test'),
      partner: 'rheine-youth',
      subject: 'rheine-youth',
      scopes: ['statistics:read'],
    };
    await expect(
      app.container.subgraphs.hub.services.indicators.report(
        { ...youth, purpose: 'statistics', jurisdiction: ['05566076'] },
        { period: '2019' },
      ),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', purpose: 'statistics' } });
    // Revoked, social planning's basis no longer holds.
    await asHub(app, () =>
      app.container.subgraphs.hub.dataSource.query(
        `UPDATE hub.legal_basis SET revoked_at = now() WHERE recipient_partner = $1 AND purpose = 'statistics'`,
        [PLANNING],
      ),
    );
    try {
      res = await app.gql(PLANNING, INDICATORS, { p: '2019' }, STATISTICS);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', purpose: 'statistics' });
    } finally {
      await asHub(app, () =>
        app.container.subgraphs.hub.dataSource.query(
          `UPDATE hub.legal_basis SET revoked_at = NULL WHERE recipient_partner = $1 AND purpose = 'statistics'`,
          [PLANNING],
        ),
      );
    }
  });

  it('indicatorDefinitions returns every definition, or one offer’s', async () => {
    const all = await app.gql(PLANNING, `{ indicatorDefinitions { key offer unit denominator categories { key } } }`);
    expect(all.body.errors).toBeUndefined();
    const defs = all.body.data.indicatorDefinitions;
    expect(defs.map((d: any) => d.key)).toEqual(
      app.container.subgraphs.hub.services.indicators.definitions().map((d) => d.key),
    );
    expect(new Set(defs.map((d: any) => d.offer))).toEqual(
      new Set(['arrival_counselling', 'language_offensive', 'case_management', 'referrals']),
    );
    const cm = await app.gql(PLANNING, `{ indicatorDefinitions(offer: "case_management") { key } }`);
    expect(cm.body.data.indicatorDefinitions.every((d: any) => d.key.startsWith('cm.'))).toBe(true);
  });
});
