import { startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, registerPerson } from '../factories';

/**
 * A referral opens access for its receiver: only for the referral's purpose, only from sending
 * until it closes, and only on a legal basis bound to referrals from that sender (demo: § 88a
 * AufenthG, jobcenter and immigration office → course providers).
 */
describe('access of a referral’s receiver', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const p = await registerPerson(app, 'rheine-social', {
      givenName: 'Lina',
      familyName: 'Haddad',
      address: { district: 'Dorenkamp' },
    });
    personId = p.id;
  });
  afterAll(() => app?.stop());

  const read = (partner: string) =>
    app.gql(
      partner,
      `query($id: ID!) { person(id: $id) { id givenName address { district } residenceStatus { status } } }`,
      { id: personId },
    );
  const act = (partner: string, mutation: string, id: string) =>
    app.gql(partner, `mutation($id: ID!) { ${mutation}(id: $id) { status } }`, { id });
  const refer = async (sender: string, receiver: string, send: boolean) => {
    const created = await createReferralViaApi(app, sender, {
      personId,
      receiver,
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
      send,
    });
    const [row] = await app.container.subgraphs.hub.dataSource.query('SELECT basis FROM hub.referral WHERE id = $1', [
      created.id,
    ]);
    return { ...created, basis: row.basis as string | null };
  };

  it('sees nothing before sending, the covered categories while open, and nothing once closed', async () => {
    // The course provider holds no general basis for identity data: the person does not exist for it.
    expect((await read('vhs-rheine')).body.data.person).toBeNull();

    const draft = await refer('jobcenter-steinfurt', 'vhs-rheine', false);
    expect((await read('vhs-rheine')).body.data.person).toBeNull();

    expect((await act('jobcenter-steinfurt', 'sendReferral', draft.id)).body.data.sendReferral.status).toBe(
      'requested',
    );
    const open = await read('vhs-rheine');
    expect(open.body.data.person).toMatchObject({
      id: personId,
      givenName: 'Lina',
      address: { district: 'Dorenkamp' },
      residenceStatus: null,
    });
    // Residence is not covered by the referral-bound basis: denied and named.
    expect(open.body.errors.map((e: any) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', category: 'residence' }),
    ]);
    // The other course provider has the same kind of basis, but no referral.
    expect((await read('fbs-rheine')).body.data.person).toBeNull();

    expect((await act('vhs-rheine', 'acceptReferral', draft.id)).body.data.acceptReferral.status).toBe('accepted');
    expect((await act('vhs-rheine', 'startReferral', draft.id)).body.data.startReferral.status).toBe('in_progress');
    expect((await read('vhs-rheine')).body.data.person.givenName).toBe('Lina');
    const done = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { completeReferral(id: $id, outcome: got_help) { status } }`,
      { id: draft.id },
    );
    expect(done.body).toEqual({ data: { completeReferral: { status: 'completed' } } });
    expect((await read('vhs-rheine')).body.data.person).toBeNull();
    const listed = await app.gql('vhs-rheine', `{ persons(first: 50) { totalCount } }`);
    expect(listed.body.data.persons.totalCount).toBe(0);
  });

  it('is bound to the sender the basis names: a referral from the advice team needs consent', async () => {
    const draft = await refer('rheine-social', 'fbs-rheine', false);
    const refused = await act('rheine-social', 'sendReferral', draft.id);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', receiver: 'fbs-rheine' });
    expect((await read('fbs-rheine')).body.data.person).toBeNull();
  });

  it('records the referral-bound basis on the referral and in the audit entries of the receiver’s reads', async () => {
    const sent = await refer('rheine-abh', 'fbs-rheine', true);
    expect(sent.status).toBe('requested');
    const [basis] = await app.container.subgraphs.hub.dataSource.query(
      `SELECT id, source_partner, while_referral_open FROM hub.legal_basis WHERE id = $1`,
      [sent.basis!.replace('legal_basis:', '')],
    );
    expect(basis).toMatchObject({ source_partner: 'rheine-abh', while_referral_open: true });
    const requestId = `ref-access-${Date.now()}`;
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await app.token('fbs-rheine')}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({ query: `query($id: ID!) { person(id: $id) { givenName } }`, variables: { id: personId } }),
    });
    expect(((await res.json()) as any).data.person.givenName).toBe('Lina');
    const rows = await app.container.subgraphs.hub.dataSource.query(
      `SELECT kind, basis, categories FROM audit.entry WHERE request_id = $1 AND kind = 'read'`,
      [requestId],
    );
    expect(rows).toEqual([expect.objectContaining({ basis: `legal_basis:${basis.id}`, categories: ['identity'] })]);
    // Cancelling closes the referral, and with it the receiver's access.
    await act('rheine-abh', 'cancelReferral', sent.id);
    expect((await read('fbs-rheine')).body.data.person).toBeNull();
  });
});
