import { addMonths } from '../../src/rules/rule-support';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';
import { biography, hubQuery, today } from '../rules/rules-helpers';

const RECORD_STATUS = 'mutation($i: RecordResidenceStatusInput!) { recordResidenceStatus(input: $i) { id } }';
const CREATE_REFERRAL = 'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }';
const ADD_IDENTIFIER = 'mutation($i: AddPersonIdentifierInput!) { addPersonIdentifier(input: $i) { id } }';
const AUDITED = 'SELECT kind, categories FROM audit.entry WHERE partner = $1 AND basis = $2';

/**
 * The steps of a referral or transfer in Person.biography are shown to its parties: the receiver
 * (and the person's case owner) acting for the referral's purpose, and the sender. A partner that
 * is neither sees none of them, even with a legal basis for case notes (the advice team's).
 */
describe('biography: each party sees its own referral steps', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  /** The steps of referrals of one type in the biography as `partner` sees it for `purpose`. */
  const stepsOf = (referralType: string) => async (partner: string, personId: string, purpose: string) =>
    (await biography(app, partner, personId, purpose))
      .filter((e) => e.type === 'referral.status_changed' && e.summary.includes(`(${referralType})`))
      .map((e) => e.summary);
  // Registering a person also proposes arrival counselling to the advice team: a referral of its own, left out here.
  /** Waits until the events worker has put the step into the biography (read as the system would). */
  const recorded = (personId: string, summary: string) =>
    eventually(async () => {
      const sql = 'SELECT 1 FROM hub.biography_entry WHERE person_id = $1 AND summary = $2';
      return (await hubQuery(app, sql, [personId, summary]))[0];
    });
  const readBases = async (partner: string, referralId: string) =>
    (await hubQuery(app, AUDITED, [partner, `referral:${referralId}`])).map((r) => [r.kind, r.categories]);

  it('asylum granted: the jobcenter and the asylum benefits office see the transfer, the advice team not', async () => {
    const steps = stepsOf('benefit_handover');
    const person = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Haddad' });
    const status = await app.gql('rheine-abh', RECORD_STATUS, {
      i: { personId: person, status: 'recognised_refugee', validFrom: today(app.container.clock) },
    });
    expect(status.body.errors).toBeUndefined();
    const [transfer] = await eventually(async () => {
      const sql = 'SELECT id FROM hub.referral WHERE person_id = $1 AND referral_type = $2';
      const rows = await hubQuery(app, sql, [person, 'benefit_handover']);
      return rows.length ? rows : undefined;
    });
    const accept = 'mutation($id: ID!) { acceptTransfer(id: $id) { status } }';
    const accepted = await app.gql('jobcenter-steinfurt', accept, { id: transfer.id }, { purpose: 'benefit_handover' });
    expect(accepted.body.errors).toBeUndefined();
    const expected = [
      'Transfer (benefit_handover) rheine-asylblg → jobcenter-steinfurt: requested → accepted',
      'Transfer (benefit_handover) rheine-asylblg → jobcenter-steinfurt: draft → requested',
      'Transfer (benefit_handover) rheine-asylblg → jobcenter-steinfurt: created → draft',
    ];
    await recorded(person, expected[0]);
    // The receiver (now the case owner) for the transfer's purpose; the sender for its own.
    expect(await steps('jobcenter-steinfurt', person, 'benefit_handover')).toEqual(expected);
    expect(await steps('rheine-asylblg', person, 'benefit_administration')).toEqual(expected);
    expect(await readBases('jobcenter-steinfurt', transfer.id)).toEqual([['read', ['case_notes']]]);
    // Not for another purpose of the receiver, and not for a partner that is neither, whatever its bases.
    expect(await steps('jobcenter-steinfurt', person, 'benefit_administration')).toEqual([]);
    expect((await biography(app, 'jobcenter-steinfurt', person, 'benefit_administration')).length).toBeGreaterThan(0);
    expect(await steps('rheine-social', person, 'case_management')).toEqual([]);
    expect(await steps('rheine-abh', person, 'residence_administration')).toEqual([]);
  });

  it('a course referral: the jobcenter and the provider see it; the advice team and the ABH not', async () => {
    const steps = stepsOf('integration_course');
    const person = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Karimi' });
    const purpose = 'integration_course_referral';
    const created = await app.gql(
      'jobcenter-steinfurt',
      CREATE_REFERRAL,
      {
        i: { personId: person, receiver: 'vhs-rheine', purpose, referralType: 'integration_course', send: true },
      },
      { purpose },
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createReferral.id;
    const accepted = await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, { id });
    expect(accepted.body.errors).toBeUndefined();
    const expected = [
      'Referral (integration_course) jobcenter-steinfurt → vhs-rheine: requested → accepted',
      'Referral (integration_course) jobcenter-steinfurt → vhs-rheine: draft → requested',
      'Referral (integration_course) jobcenter-steinfurt → vhs-rheine: created → draft',
    ];
    await recorded(person, expected[0]);
    expect(await steps('vhs-rheine', person, 'integration_course_referral')).toEqual(expected);
    expect(await steps('jobcenter-steinfurt', person, 'integration_course_referral')).toEqual(expected);
    expect(await steps('jobcenter-steinfurt', person, 'benefit_administration')).toEqual(expected);
    expect(await readBases('vhs-rheine', id)).toEqual([['read', ['case_notes']]]);
    expect(await steps('rheine-social', person, 'case_management')).toEqual([]);
    expect(await steps('rheine-abh', person, 'integration_course_referral')).toEqual([]);
    expect((await biography(app, 'rheine-abh', person, 'integration_course_referral')).length).toBeGreaterThan(0);
  });

  it('an eUMA transfer: youth welfare and the advice team see it; the immigration office does not', async () => {
    const steps = stepsOf('youth_to_adult');
    const now = app.container.clock.now();
    // 18 in two months: the handover is due at once.
    const birthDate = `${now.getUTCFullYear() - 18}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
    const person = await registerPersonViaApi(app, 'rheine-youth', {
      familyName: 'Ahmadi',
      birthDate: addMonths(birthDate, 2),
    });
    const added = await app.gql('rheine-youth', ADD_IDENTIFIER, {
      i: { personId: person, system: 'youth_welfare_case_id', value: 'JA-2026/4711' },
    });
    expect(added.body.errors).toBeUndefined();
    const expected = [
      'Transfer (youth_to_adult) rheine-youth → rheine-social: draft → requested',
      'Transfer (youth_to_adult) rheine-youth → rheine-social: created → draft',
    ];
    await recorded(person, expected[0]);
    expect(await steps('rheine-social', person, 'case_management')).toEqual(expected);
    expect(await steps('rheine-youth', person, 'youth_welfare')).toEqual(expected);
    expect(await steps('rheine-abh', person, 'residence_administration')).toEqual([]);
    expect((await biography(app, 'rheine-abh', person, 'residence_administration')).length).toBeGreaterThan(0);
  });
});
