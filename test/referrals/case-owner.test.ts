import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/**
 * Person.caseOwner: an accepted transfer moves the case, and the person shows who holds it now —
 * case data, for partners with a basis or consent for case_notes under their purpose.
 */
describe('Person.caseOwner', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const OWNER = `query($id: ID!) { person(id: $id) { caseOwner { partner name since purpose } caseOwners { partner } } }`;

  it('after an accepted transfer the new owner is shown, since the acceptance; partners without a basis for case notes are refused', async () => {
    const personId = await registerPersonViaApi(app, 'rheine-youth', { familyName: 'Ghebre' });
    const created = await app.gql(
      'rheine-youth',
      `mutation($input: CreateTransferInput!) { createTransfer(input: $input) { id status } }`,
      {
        input: { personId, receiver: 'rheine-social', purpose: 'case_management', referralType: 'youth_to_adult' },
      },
      { purpose: 'youth_welfare' },
    );
    expect(created.body.errors).toBeUndefined();
    const transferId = created.body.data.createTransfer.id;

    const before = await app.gql('rheine-social', OWNER, { id: personId }, { purpose: 'case_management' });
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.person).toEqual({ caseOwner: null, caseOwners: [] });

    const accepted = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { acceptTransfer(id: $id) { status updatedAt } }`,
      { id: transferId },
      { purpose: 'case_management' },
    );
    expect(accepted.body.data.acceptTransfer.status).toBe('accepted');

    const after = await app.gql('rheine-social', OWNER, { id: personId }, { purpose: 'case_management' });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.person).toEqual({
      caseOwner: {
        partner: 'rheine-social',
        name: 'Stadt Rheine – Beratungs- und Unterstützungsteam für Zugewanderte',
        since: accepted.body.data.acceptTransfer.updatedAt,
        purpose: 'case_management',
      },
      caseOwners: [{ partner: 'rheine-social' }],
    });

    // The jobcenter knows the person (identity) but holds no basis for case notes.
    const jobcenter = await app.gql(
      'jobcenter-steinfurt',
      OWNER,
      { id: personId },
      { purpose: 'benefit_administration' },
    );
    expect(jobcenter.body.data.person).toEqual({ caseOwner: null, caseOwners: null });
    expect(jobcenter.body.errors.map((e: any) => [e.path.join('.'), e.extensions.code, e.extensions.category])).toEqual(
      [
        ['person.caseOwner', 'FORBIDDEN', 'case_notes'],
        ['person.caseOwners', 'FORBIDDEN', 'case_notes'],
      ],
    );
  });
});
