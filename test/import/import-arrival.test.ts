import { addDays } from '../../src/rules/rule-support';
import { isoDay } from '../../src/shared/time';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { biography, eventId, hubEvents, processed, referralsOf, ruleCheck } from '../rules/rules-helpers';
import { registerPersonViaApi } from '../factories';
import { importRow } from '../factories/import-file.factory';
import { importCsv, personByAzr } from './import-support';

/**
 * An imported person is one like any other: the same event, biography entry and audit entry as a
 * person registered through GraphQL. And the arrival date the file states reaches the
 * new-arrival rule: long-settled persons get no arrival counselling, recent arrivals do.
 */
describe('person import: like a registration, and the new-arrival rule', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  const single = (i: number, arrivedOn: string) =>
    importRow(i, { azrBase: 800_000_000_000, overrides: { household: '', arrived_on: arrivedOn } });

  it('a person who arrived years ago gets no arrival counselling; one who arrived last week does', async () => {
    const lastWeek = isoDay(addDays(app.container.clock.now(), -7));
    const rows = [single(1, '2016-05-02'), single(2, lastWeek)];
    expect((await importCsv(app, rows)).summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 0 });
    const settled = (await personByAzr(app, rows[0].azr_number!))!;
    const arrived = (await personByAzr(app, rows[1].azr_number!))!;

    const referrals = await eventually(async () => {
      const found = (await referralsOf(app, arrived)).filter((r) => r.referral_type === 'arrival_counselling');
      return found.length ? found : undefined;
    });
    expect(referrals).toEqual([expect.objectContaining({ sender: 'rheine-abh', receiver: 'rheine-social' })]);

    // The rule has run on the settled person's registration before its absence is asserted.
    await processed(app, 'city', await eventId(app, 'city', 'person.registered', settled));
    expect(await referralsOf(app, settled)).toEqual([]);
    expect(await ruleCheck(app, 'new_arrival', settled)).toBeUndefined();
    expect(await hubEvents(app, 'arrival.counselling_proposed', settled)).toEqual([]);
  });

  it('an imported person has the event, biography entry and audit entry of a GraphQL registration', async () => {
    const viaApi = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Vergleich' });
    expect((await importCsv(app, [single(3, '2016-05-02')])).summary.created).toBe(1);
    const imported = (await personByAzr(app, importRow(3, { azrBase: 800_000_000_000 }).azr_number!))!;

    const registration = async (personId: string) => {
      const [event] = await app.container.subgraphs.city.dataSource.query(
        `SELECT type, actor_partner, payload FROM city.outbox WHERE person_id = $1 AND type = 'person.registered'`,
        [personId],
      );
      const audit = await app.container.subgraphs.hub.dataSource.query(
        `SELECT kind, partner, categories, purpose FROM audit.entry
          WHERE person_ref = $1 AND kind = 'write' AND detail->>'event' = 'person.registered'`,
        [app.container.audit.pseudonym(personId)],
      );
      const entries = await eventually(async () => {
        const bio = (await biography(app, 'rheine-abh', personId)).filter((b) => b.type === 'person.registered');
        return bio.length ? bio : undefined;
      });
      return { type: event.type, actor: event.actor_partner, audit, biography: entries.map((b) => b.actor) };
    };
    const expected = {
      type: 'person.registered',
      actor: 'rheine-abh',
      audit: [{ kind: 'write', partner: 'rheine-abh', categories: ['identity'], purpose: 'residence_administration' }],
      biography: ['rheine-abh'],
    };
    expect(await registration(viaApi)).toEqual(expected);
    expect(await registration(imported)).toEqual(expected);
  });
});
