import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/** Deny by default: personal data only on a legal basis or consent, per purpose; every access audited. */
describe('authorization of personal data', () => {
  let app: TestApp;
  let personId: string;
  const PERSON_QUERY = `query($id: ID!) { person(id: $id) { id givenName familyName address { district } residenceStatus { status } jobcenter { customerNumber } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    personId = await registerPersonViaApi(app, 'rheine-social', {
      givenName: 'Samira',
      familyName: 'Haidari',
      address: { district: 'Schotthock' },
    });
    await app.gql(
      'rheine-abh',
      `mutation($id: ID!) { recordResidenceStatus(input: { personId: $id, status: recognised_refugee, validFrom: "2025-05-01" }) { id } }`,
      { id: personId },
    );
    await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { openJobcenterRecord(input: { personId: $id, customerNumber: "845D777777", municipalityKey: "05566076", startedOn: "2025-06-01" }) { id } }`,
      { id: personId },
    );
  });
  afterAll(() => app?.stop());

  const audit = () => app.container.audit.accessReport(personId, { first: 1000 });

  it('releases only the categories the legal basis covers; the rest is null with FORBIDDEN naming the category', async () => {
    const res = await app.gql('rheine-social', PERSON_QUERY, { id: personId });
    expect(res.body.data.person).toEqual({
      id: personId,
      givenName: 'Samira',
      familyName: 'Haidari',
      address: { district: 'Schotthock' },
      residenceStatus: null,
      jobcenter: null,
    });
    const denied = res.body.errors.map((e: any) => [e.path.join('.'), e.extensions.code, e.extensions.category]);
    expect(denied).toEqual(
      expect.arrayContaining([
        ['person.residenceStatus', 'FORBIDDEN', 'residence'],
        ['person.jobcenter', 'FORBIDDEN', 'benefits'],
      ]),
    );
    // Never the value: not in the data, not in an error.
    expect(JSON.stringify(res.body)).not.toMatch(/recognised_refugee|845D777777/);
  });

  it('the stated purpose decides: the same partner sees less for another purpose, and cannot state one it is not registered for', async () => {
    const full = await app.gql(
      'jobcenter-steinfurt',
      PERSON_QUERY,
      { id: personId },
      { purpose: 'benefit_administration' },
    );
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data.person.jobcenter).toEqual({ customerNumber: '845D777777' });
    const course = await app.gql(
      'jobcenter-steinfurt',
      PERSON_QUERY,
      { id: personId },
      { purpose: 'integration_course_referral' },
    );
    expect(course.body.data.person).toMatchObject({
      givenName: 'Samira',
      residenceStatus: { status: 'recognised_refugee' },
      jobcenter: null,
      address: null,
    });
    const bad = await app.gql('jobcenter-steinfurt', PERSON_QUERY, { id: personId }, { purpose: 'youth_welfare' });
    expect(bad.status).toBe(403);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', purpose: 'youth_welfare' });
    const unknown = await app.gql('jobcenter-steinfurt', PERSON_QUERY, { id: personId }, { purpose: 'curiosity' });
    expect(unknown.status).toBe(403);
  });

  it('a partner without any basis does not even learn that the person exists; consent opens exactly what it names, withdrawal closes it at once', async () => {
    const before = await app.gql('caritas-rheine', `{ persons { totalCount } }`);
    expect(before.body.data.persons.totalCount).toBe(0);
    expect((await app.gql('caritas-rheine', PERSON_QUERY, { id: personId })).body.data.person).toBeNull();

    const given = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { recordConsent(input: { personId: $id, purpose: "case_management", recipients: ["caritas-rheine"], categories: ["identity"], evidenceRef: "Akte 2025/113, Einwilligung vom 02.06.2025" }) { id active } }`,
      { id: personId },
    );
    expect(given.body.errors).toBeUndefined();
    expect(given.body.data.recordConsent.active).toBe(true);
    const consentId = given.body.data.recordConsent.id;

    const after = await app.gql('caritas-rheine', PERSON_QUERY, { id: personId });
    expect(after.body.data.person).toMatchObject({ givenName: 'Samira', address: null, residenceStatus: null });
    expect(after.body.errors.map((e: any) => e.extensions.category).sort()).toEqual([
      'benefits',
      'contact',
      'residence',
    ]);
    expect((await app.gql('caritas-rheine', `{ persons { totalCount } }`)).body.data.persons.totalCount).toBe(1);

    const withdrawn = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { withdrawConsent(input: { consentId: $id, reason: "Widerruf durch die Person" }) { active withdrawnAt } }`,
      { id: consentId },
    );
    expect(withdrawn.body.data.withdrawConsent.active).toBe(false);
    expect((await app.gql('caritas-rheine', PERSON_QUERY, { id: personId })).body.data.person).toBeNull();
    expect((await app.gql('caritas-rheine', `{ persons { totalCount } }`)).body.data.persons.totalCount).toBe(0);
  });

  it('recording consent needs the scope and valid content; nothing is written on bad input', async () => {
    const noScope = await app.gql(
      'caritas-rheine',
      `mutation($id: ID!) { recordConsent(input: { personId: $id, purpose: "case_management", recipients: ["caritas-rheine"], categories: ["health"], evidenceRef: "x" }) { id } }`,
      { id: personId },
    );
    expect(noScope.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'consent:write' });
    for (const [field, input] of [
      ['purpose', { purpose: 'curiosity', recipients: ['caritas-rheine'], categories: ['identity'], evidenceRef: 'x' }],
      [
        'categories',
        { purpose: 'case_management', recipients: ['caritas-rheine'], categories: ['shoe_size'], evidenceRef: 'x' },
      ],
      [
        'recipients',
        { purpose: 'case_management', recipients: ['nobody'], categories: ['identity'], evidenceRef: 'x' },
      ],
      [
        'evidenceRef',
        { purpose: 'case_management', recipients: ['caritas-rheine'], categories: ['identity'], evidenceRef: ' ' },
      ],
    ] as const) {
      const res = await app.gql(
        'rheine-social',
        `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
        { input: { personId, ...input } },
      );
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const [{ n }] = await app.container.subgraphs.hub.dataSource.query('SELECT count(*)::int AS n FROM hub.consent');
    expect(n).toBe(1);
  });

  it('audits reads with their basis, denials, and writes; the chain verifies', async () => {
    const entries = await audit();
    const kinds = new Set(entries.map((e) => `${e.partner}:${e.kind}`));
    for (const k of [
      'rheine-social:write',
      'rheine-abh:write',
      'jobcenter-steinfurt:write',
      'rheine-social:read',
      'rheine-social:denied',
      'caritas-rheine:read',
      'jobcenter-steinfurt:read',
    ])
      expect(kinds).toContain(k);
    const caritasRead = entries.find((e) => e.partner === 'caritas-rheine' && e.kind === 'read');
    expect(caritasRead?.basis).toMatch(/^consent:/);
    expect(caritasRead?.purpose).toBe('case_management');
    // One entry per subgraph call: city denied residence, jobcenter denied benefits.
    const socialDenied = entries
      .filter((e) => e.partner === 'rheine-social' && e.kind === 'denied')
      .flatMap((e) => e.categories);
    expect(socialDenied).toEqual(expect.arrayContaining(['residence', 'benefits']));
    expect(await app.container.audit.verify()).toMatchObject({ ok: true });
  });

  it('the access report is whole for the data-protection officer, own entries for others, and asking is audited', async () => {
    const q = `query($id: ID!) { accessReport(personId: $id, first: 20) { coverage edges { node { partner kind categories purpose basis } } } }`;
    const partners = (res: any) => new Set(res.body.data.accessReport.edges.map((e: any) => e.node.partner));
    // The jobcenter reads and wrote, but is not the case owner: its own entries only.
    const own = await app.gql('jobcenter-steinfurt', q, { id: personId });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.accessReport.coverage).toBe('own');
    expect(partners(own)).toEqual(new Set(['jobcenter-steinfurt']));
    const dpo = await app.gql('rheine-dpo', q, { id: personId });
    expect(dpo.body.errors).toBeUndefined();
    expect(dpo.body.data.accessReport.coverage).toBe('all');
    expect([...partners(dpo)]).toEqual(
      expect.arrayContaining(['caritas-rheine', 'jobcenter-steinfurt', 'rheine-social']),
    );
    // Also on Person.
    const onPerson = await app.gql(
      'rheine-social',
      `query($id: ID!) { person(id: $id) { accessReport(first: 5) { coverage edges { node { partner kind } } } } }`,
      { id: personId },
    );
    expect(onPerson.body.errors).toBeUndefined();
    expect(onPerson.body.data.person.accessReport.edges.length).toBeGreaterThan(0);
    const again = await app.container.audit.accessReport(personId, { first: 1 });
    expect(again[0]).toMatchObject({ partner: 'rheine-social', operation: 'accessReport' });
  });
});
