import { eventually, startTestApp, TestApp } from '../helpers/app';
import { recordConsentViaApi, registerPerson } from '../factories';

describe('referrals and transfers', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const p = await registerPerson(app, 'rheine-social', { givenName: 'Dawit', familyName: 'Tesfaye' });
    personId = p.id;
  });
  afterAll(() => app?.stop());

  const create = (sender: string, input: Record<string, unknown>) =>
    app.gql(
      sender,
      `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status basis: allowedActions receiver } }`,
      { input: { personId, ...input } },
    );

  it('sending needs a legal basis or consent for the receiver; consent makes it lawful and withdrawing it cancels the referral', async () => {
    // The course provider has no legal basis for identity data: without consent nothing may be sent.
    const draft = await create('rheine-social', {
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
    });
    expect(draft.body.data.createReferral.status).toBe('draft');
    const id = draft.body.data.createReferral.id;
    const refused = await app.gql('rheine-social', `mutation($id: ID!) { sendReferral(id: $id) { status } }`, { id });
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
    });

    const consentId = await recordConsentViaApi(app, 'rheine-social', {
      personId,
      purpose: 'integration_course_referral',
      recipients: ['vhs-rheine'],
      categories: ['identity', 'contact'],
      evidenceRef: 'Einwilligung 2026/41',
    });
    const sent = await app.gql('rheine-social', `mutation($id: ID!) { sendReferral(id: $id) { status } }`, { id });
    expect(sent.body.data.sendReferral.status).toBe('requested');
    const inbox = await app.gql(
      'vhs-rheine',
      `{ referrals(filter: { box: inbox }) { totalCount edges { node { id status sender person { id } } } } }`,
    );
    expect(inbox.body.data.referrals.edges).toEqual([
      { node: { id, status: 'requested', sender: 'rheine-social', person: { id: personId } } },
    ]);
    await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, { id });

    await app.gql('rheine-social', `mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`, {
      id: consentId,
    });
    const cancelled = await eventually(async () => {
      const r = await app.gql('rheine-social', `query($id: ID!) { referral(id: $id) { status reasonCode } }`, { id });
      return r.body.data.referral.status === 'cancelled' ? r.body.data.referral : undefined;
    });
    expect(cancelled).toEqual({ status: 'cancelled', reasonCode: 'client_withdrew' });
  });

  it('a refused transition names the current state and what is allowed; strangers see nothing', async () => {
    const r = await create('rheine-social', {
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'benefit_handover',
      send: true,
    });
    const id = r.body.data.createReferral.id;
    const early = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { completeReferral(id: $id, outcome: got_help) { status } }`,
      { id },
    );
    expect(early.body.errors[0].message).toMatch(
      /Cannot complete a requested referral as receiver; allowed: acknowledge, accept, reject/,
    );
    expect(early.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'requested',
      allowed: ['acknowledge', 'accept', 'reject'],
    });
    const stranger = await app.gql('caritas-rheine', `query($id: ID!) { referral(id: $id) { id } }`, { id });
    expect(stranger.body.data.referral).toBeNull();
    const noReason = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { rejectReferral(id: $id, reason: not_responsible) { status reasonCode } }`,
      { id },
    );
    expect(noReason.body.data.rejectReferral).toEqual({ status: 'rejected', reasonCode: 'not_responsible' });

    // A rejected referral goes to another receiver, linked to the first.
    const redirected = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { redirectReferral(id: $id, receiver: "rheine-asylblg") { id status receiver parentId } }`,
      { id },
    );
    const { id: childId, ...child } = redirected.body.data.redirectReferral;
    expect(child).toEqual({ status: 'requested', receiver: 'rheine-asylblg', parentId: id });
    // Only closed referrals can be redirected.
    const again = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { redirectReferral(id: $id, receiver: "vhs-rheine") { id } }`,
      { id: childId },
    );
    expect(again.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'requested' });
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const [{ n: before }] = await app.container.subgraphs.hub.dataSource.query(
      'SELECT count(*)::int AS n FROM hub.referral',
    );
    for (const [field, input] of [
      ['receiver', { receiver: 'nobody', purpose: 'case_management', referralType: 'x_y' }],
      ['receiver', { receiver: 'rheine-social', purpose: 'case_management', referralType: 'x_y' }],
      ['purpose', { receiver: 'vhs-rheine', purpose: 'case_management', referralType: 'x_y' }],
      [
        'referralType',
        { receiver: 'jobcenter-steinfurt', purpose: 'benefit_administration', referralType: 'Not A Code' },
      ],
    ] as const) {
      const res = await create('rheine-social', input);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const [{ n: after }] = await app.container.subgraphs.hub.dataSource.query(
      'SELECT count(*)::int AS n FROM hub.referral',
    );
    expect(after).toBe(before);
  });

  it('a transfer moves the case on acceptance and shows in the biography', async () => {
    await app.container.subgraphs.hub.dataSource.query(
      `INSERT INTO hub.case_owner (person_id, partner, since) VALUES ($1, 'rheine-asylblg', now())`,
      [personId],
    );
    const t = await app.gql(
      'rheine-asylblg',
      `mutation($p: ID!) { createTransfer(input: { personId: $p, receiver: "jobcenter-steinfurt", purpose: "benefit_handover", referralType: "benefit_handover" }) { id kind status } }`,
      { p: personId },
    );
    expect(t.body.data.createTransfer).toMatchObject({ kind: 'transfer', status: 'requested' });
    const accepted = await app.gql('jobcenter-steinfurt', `mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, {
      id: t.body.data.createTransfer.id,
    });
    expect(accepted.body.data.acceptTransfer.status).toBe('accepted');
    const owners = await app.container.subgraphs.hub.dataSource.query(
      `SELECT partner FROM hub.case_owner WHERE person_id = $1 AND until IS NULL`,
      [personId],
    );
    expect(owners).toEqual([{ partner: 'jobcenter-steinfurt' }]);
    const bio = await eventually(async () => {
      const res = await app.gql(
        'rheine-social',
        `query($id: ID!) { person(id: $id) { referrals { kind status } biography(first: 50) { type summary } } }`,
        { id: personId },
      );
      return res.body.data?.person?.biography?.some((b: any) => b.type === 'referral.status_changed')
        ? res.body.data.person
        : undefined;
    }, 15000);
    expect(bio.biography.map((b: any) => b.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Referral \(benefit_handover\) rheine-social → jobcenter-steinfurt: requested → rejected/,
        ),
      ]),
    );
  });
});
