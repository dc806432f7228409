import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { actorFor, createReferral, recordConsent, registerPerson } from '../factories';
import { IdentifierSystem } from '../../src/subgraphs/hub/identifier/identifier.types';

/**
 * The hub's own data (identifiers, consents, biography, case owners) carries no municipality and no
 * row security: the policy keeps it inside the partner's jurisdiction, and look-ups and a
 * referral's steps show a person only to a partner that may know of it (found by the
 * authorization matrix, test/faults/authorization-matrix.test.ts).
 */
describe('hub data follows the jurisdiction and the person’s visibility', () => {
  let app: TestApp;
  const PERSON = '{ id identifiers { value } consents { purpose } biography { type } }';

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  it('a partner reaching a person outside its jurisdiction through its referral reads none of its hub data', async () => {
    const far = await registerPerson(app, 'rheine-social', { municipalityKey: '05515000' });
    await recordConsent(app, 'rheine-social', {
      personId: far.id,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity'],
    });
    await asHub(app, () =>
      app.container.subgraphs.hub.services.identifiers.add(actorFor('rheine-abh'), {
        personId: far.id,
        system: IdentifierSystem.azr_number,
        value: '550000000001',
      }),
    );
    await createReferral(app, 'jobcenter-steinfurt', { personId: far.id, receiver: 'vhs-rheine' });
    for (const [partner, purpose] of [
      ['jobcenter-steinfurt', 'integration_course_referral'],
      ['vhs-rheine', 'integration_course_referral'],
    ]) {
      const res = await app.gql(
        partner,
        `{ referrals(first: 10) { edges { node { person ${PERSON} } } } }`,
        {},
        { purpose },
      );
      const person = res.body.data.referrals.edges.map((e: any) => e.node.person).find((p: any) => p.id === far.id);
      expect(person).toEqual({ id: far.id, identifiers: null, consents: null, biography: [] });
    }
    // Nor does an identifier look-up tell the jobcenter (identity basis, but not in Münster) it exists.
    const found = await app.gql(
      'jobcenter-steinfurt',
      `{ personByIdentifier(system: azr_number, value: "550000000001") { id } }`,
      {},
      { purpose: 'benefit_administration' },
    );
    expect(found.body.data.personByIdentifier).toBeNull();
  });

  it('an identifier look-up finds a person only for a partner that may know of it', async () => {
    const p = await registerPerson(app, 'rheine-social');
    await asHub(app, () =>
      app.container.subgraphs.hub.services.identifiers.add(actorFor('rheine-abh'), {
        personId: p.id,
        system: IdentifierSystem.azr_number,
        value: '550000000002',
      }),
    );
    const lookUp = (partner: string, purpose: string) =>
      app
        .gql(partner, `{ personByIdentifier(system: azr_number, value: "550000000002") { id } }`, {}, { purpose })
        .then((r) => r.body.data.personByIdentifier);
    expect(await lookUp('rheine-abh', 'residence_administration')).toEqual({ id: p.id });
    // No basis for identity data for this purpose, no consent: not even the id.
    expect(await lookUp('rheine-abh', 'benefit_handover')).toBeNull();
    expect(await lookUp('caritas-rheine', 'case_management')).toBeNull();
  });

  it("a referral's sender sees its steps only for a purpose under which it may know the person", async () => {
    const p = await registerPerson(app, 'rheine-social');
    await recordConsent(app, 'rheine-social', {
      personId: p.id,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity'],
    });
    await createReferral(app, 'rheine-social', { personId: p.id, receiver: 'vhs-rheine' });
    const steps = async (purpose: string) => {
      const res = await app.gql(
        'rheine-social',
        `{ referrals(first: 10) { edges { node { person { id biography { type } } } } } }`,
        {},
        { purpose },
      );
      const person = res.body.data.referrals.edges.map((e: any) => e.node.person).find((x: any) => x.id === p.id);
      return (person.biography as Array<{ type: string }>).filter((e) => e.type.startsWith('referral.'));
    };
    // The steps are written by the workers: under case_management (identity basis) they show up.
    for (let i = 0; i < 100 && (await steps('case_management')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await steps('case_management')).length).toBeGreaterThan(0);
    // Under integration_course_referral the advice team has no basis for identity data.
    expect(await steps('integration_course_referral')).toEqual([]);
  });
});
