import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventId, processed } from '../rules/rules-helpers';
import {
  COURSE_PURPOSE,
  entitlementMutation,
  entitlementsOf,
  issueEntitlementViaApi,
  registerPerson,
} from '../factories';

/**
 * The entitlement ledger through the API: one certificate per person and course kind (a second
 * one is refused naming the first, nothing written), obliging bodies, withdrawal, registration at
 * a provider, concurrent issues, and who may see it.
 */
describe('entitlement ledger', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  // As the hub: outside a context the protected tables show no rows.
  const courses = (sql: string, params: unknown[]) =>
    asHub(app, () => app.container.subgraphs.courses.dataSource.query(sql, params));
  const counts = async (personId: string) => ({
    entitlements: (
      await courses(`SELECT count(*)::int AS n FROM courses.entitlement WHERE person_id = $1`, [personId])
    )[0].n,
    events: (
      await courses(
        `SELECT count(*)::int AS n FROM courses.outbox WHERE person_id = $1 AND type LIKE 'entitlement.%'`,
        [personId],
      )
    )[0].n,
    steps: (
      await courses(
        `SELECT count(*)::int AS n FROM courses.entitlement_step s JOIN courses.entitlement e ON e.id = s.entitlement_id WHERE e.person_id = $1`,
        [personId],
      )
    )[0].n,
  });

  it('the immigration office issues; the person shows it with its issuer as the first body and one step', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const { entitlement, errors } = await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id });
    expect(errors).toBeNull();
    expect(entitlement).toMatchObject({
      courseKind: 'integration_course',
      basis: 'entitlement',
      status: 'issued',
      issuingBody: 'rheine-abh',
      issuerKind: 'immigration_office',
      hoursGranted: 700,
      hoursUsed: 0,
      registeredProvider: null,
      municipalityKey: '05566076',
      obligingBodies: [{ partner: 'rheine-abh', kind: 'entitlement', addedBy: 'rheine-abh' }],
      steps: [{ action: 'issue', fromStatus: null, toStatus: 'issued', byPartner: 'rheine-abh', reasonCode: null }],
    });
    const seen = await entitlementsOf(app, 'jobcenter-steinfurt', person.id);
    expect(seen.errors).toBeNull();
    expect(seen.entitlements.map((e: any) => [e.id, e.status])).toEqual([[entitlement.id, 'issued']]);
    const id = await eventId(app, 'courses', 'entitlement.issued', person.id);
    await processed(app, 'courses', id);
  });

  it('a second issue for the same person and course kind is refused with CONFLICT naming the first, and nothing is written', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const first = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    const before = await counts(person.id);
    const second = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', {
      personId: person.id,
      basis: 'obligation' as any,
    });
    expect(second.entitlement).toBeNull();
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      entitlementId: first.id,
      issuer: 'rheine-abh',
      registeredProvider: null,
      status: 'issued',
      allowedActions: ['addObligingBody', 'withdrawEntitlement', 'transferEntitlement'],
    });
    expect(await counts(person.id)).toEqual(before);
    // Another course kind is another need: allowed.
    const other = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', {
      personId: person.id,
      courseKind: 'job_language_course' as any,
    });
    expect(other.errors).toBeNull();
    expect(other.entitlement).toMatchObject({ courseKind: 'job_language_course', hoursGranted: 400 });
  });

  it('the jobcenter is added as an obliging body: the certificate becomes an obligation, and the issuer is told', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const first = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    const added = await entitlementMutation(app, 'jobcenter-steinfurt', 'addObligingBody', {
      entitlementId: first.id,
      body: 'jobcenter-steinfurt',
      basis: 'obligation',
    });
    expect(added.errors).toBeNull();
    expect(added.entitlement).toMatchObject({
      id: first.id,
      basis: 'obligation',
      status: 'issued',
      obligingBodies: [
        { partner: 'rheine-abh', kind: 'entitlement' },
        { partner: 'jobcenter-steinfurt', kind: 'obligation', addedBy: 'jobcenter-steinfurt' },
      ],
    });
    expect(added.entitlement.steps.map((s: any) => s.action)).toEqual(['issue', 'obligation_added']);
    // Adding it again changes nothing (a retry).
    const again = await entitlementMutation(app, 'jobcenter-steinfurt', 'addObligingBody', {
      entitlementId: first.id,
      body: 'jobcenter-steinfurt',
      basis: 'obligation',
    });
    expect(again.entitlement.obligingBodies).toHaveLength(2);
    // A course provider is no body.
    const provider = await entitlementMutation(app, 'jobcenter-steinfurt', 'addObligingBody', {
      entitlementId: first.id,
      body: 'vhs-rheine',
      basis: 'obligation',
    });
    expect(provider.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });

    const id = await eventId(app, 'courses', 'entitlement.obligation_added', person.id);
    await processed(app, 'courses', id);
    const inbox = await app.container.subgraphs.hub.dataSource.query(
      `SELECT partner, type FROM hub.notification WHERE event_id = $1 ORDER BY partner`,
      [id],
    );
    expect(inbox).toEqual([{ partner: 'rheine-abh', type: 'entitlement.obligation_added' }]);
  });

  it('a provider registers it; another provider cannot take it but is pointed to a transfer; a body withdraws it', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const first = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    await entitlementMutation(app, 'jobcenter-steinfurt', 'addObligingBody', {
      entitlementId: first.id,
      body: 'jobcenter-steinfurt',
      basis: 'entitlement',
    });
    const registered = await entitlementMutation(app, 'vhs-rheine', 'registerEntitlement', { entitlementId: first.id });
    expect(registered.errors).toBeNull();
    expect(registered.entitlement).toMatchObject({ status: 'registered', registeredProvider: 'vhs-rheine' });
    const taken = await entitlementMutation(app, 'fbs-rheine', 'registerEntitlement', { entitlementId: first.id });
    expect(taken.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'registered',
      registeredProvider: 'vhs-rheine',
      allowedActions: ['transferEntitlement'],
    });
    // Only its bodies withdraw it (the provider holding it does not), and only what is active.
    const stranger = await entitlementMutation(app, 'vhs-rheine', 'withdrawEntitlement', {
      entitlementId: first.id,
      reason: 'issued_in_error',
    });
    expect(stranger.errors[0].extensions.code).toBe('FORBIDDEN');
    const withdrawn = await entitlementMutation(app, 'rheine-abh', 'withdrawEntitlement', {
      entitlementId: first.id,
      reason: 'issued_in_error',
    });
    expect(withdrawn.errors).toBeNull();
    expect(withdrawn.entitlement).toMatchObject({ status: 'withdrawn', registeredProvider: 'vhs-rheine' });
    expect(withdrawn.entitlement.steps.map((s: any) => [s.action, s.toStatus, s.reasonCode])).toEqual([
      ['issue', 'issued', null],
      ['obligation_added', 'issued', null],
      ['register', 'registered', null],
      ['withdraw', 'withdrawn', 'issued_in_error'],
    ]);
    const twice = await entitlementMutation(app, 'rheine-abh', 'withdrawEntitlement', {
      entitlementId: first.id,
      reason: 'issued_in_error',
    });
    expect(twice.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'withdrawn', allowedActions: [] });
    // Withdrawn is not active: a new certificate may be issued.
    const fresh = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', { personId: person.id });
    expect(fresh.errors).toBeNull();
    // The other body and the provider holding it are told in their inbox (the provider on its basis for course participation).
    const id = await eventId(app, 'courses', 'entitlement.withdrawn', person.id);
    await processed(app, 'courses', id);
    const told = await app.container.subgraphs.hub.dataSource.query(
      `SELECT partner FROM hub.notification WHERE event_id = $1 ORDER BY partner`,
      [id],
    );
    expect(told).toEqual([{ partner: 'jobcenter-steinfurt' }, { partner: 'vhs-rheine' }]);
  });

  it('concurrent issues for one person: exactly one certificate, every other answer a CONFLICT naming it', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const issuers = ['rheine-abh', 'jobcenter-steinfurt', 'rheine-abh', 'jobcenter-steinfurt', 'rheine-abh'];
    const answers = await Promise.all(issuers.map((p) => issueEntitlementViaApi(app, p, { personId: person.id })));
    const won = answers.filter((a) => a.entitlement);
    expect(won).toHaveLength(1);
    const lost = answers.filter((a) => !a.entitlement);
    expect(lost).toHaveLength(4);
    for (const a of lost)
      expect(a.errors[0].extensions).toMatchObject({ code: 'CONFLICT', entitlementId: won[0].entitlement.id });
    expect((await counts(person.id)).entitlements).toBe(1);
  });

  it('who may: a partner without a basis for course participation gets FORBIDDEN; only issuers issue', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id });
    // The advice team sees the person but has no basis for course participation.
    const social = await entitlementsOf(app, 'rheine-social', person.id, 'case_management');
    expect(social.entitlements).toBeNull();
    expect(social.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'course_participation' });
    // The jobcenter under another purpose: no basis either.
    const benefits = await entitlementsOf(app, 'jobcenter-steinfurt', person.id, 'benefit_administration');
    expect(benefits.errors[0].extensions.code).toBe('FORBIDDEN');
    // Issuing needs the scope entitlements:write (a provider lacks it) ...
    const provider = await issueEntitlementViaApi(app, 'vhs-rheine', { personId: person.id });
    expect(provider.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'entitlements:write' });
    // ... and a person outside the issuer's jurisdiction is not found.
    const elsewhere = await registerPerson(app, 'rheine-abh', { municipalityKey: '05566008' });
    const far = await issueEntitlementViaApi(app, 'rheine-abh', { personId: elsewhere.id });
    expect(far.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'personId' });
    expect(COURSE_PURPOSE).toBe('integration_course_referral');
  });

  it('the federal office (BAMF) issues too; a partner of another kind with the scope is refused', async () => {
    const hub = app.container.subgraphs.hub.services;
    const federal = (slug: string, kind: PartnerKind) => ({
      slug,
      name: `Test ${slug}`,
      kind,
      legalDomains: [LegalDomain.AufenthG],
      municipalityKey: '05566076',
      jurisdiction: ['05'],
      scopes: ['persons:read', 'courses:read', 'entitlements:write'],
      purposes: [COURSE_PURPOSE],
    });
    await hub.partners.upsert(federal('bamf', PartnerKind.federal_office));
    await hub.partners.upsert(federal('not-an-issuer', PartnerKind.ngo));
    for (const recipientPartner of ['bamf', 'not-an-issuer'])
      for (const category of ['identity', 'course_participation'])
        await hub.legalBases.add({
          recipientPartner,
          purpose: COURSE_PURPOSE,
          category,
          statute: '§ 44 AufenthG, § 5 IntV',
          description: 'Zulassung zum Integrationskurs',
          sourcePartner: null,
        });
    const person = await registerPerson(app, 'rheine-abh');
    const refused = await issueEntitlementViaApi(app, 'not-an-issuer', { personId: person.id });
    expect(refused.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', partnerKind: 'ngo' });
    expect(await counts(person.id)).toEqual({ entitlements: 0, events: 0, steps: 0 });
    const issued = await issueEntitlementViaApi(app, 'bamf', { personId: person.id });
    expect(issued.errors).toBeNull();
    expect(issued.entitlement).toMatchObject({ issuingBody: 'bamf', issuerKind: 'federal_office', status: 'issued' });
  });

  it('the biography shows the steps to the parties', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const first = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    await entitlementMutation(app, 'vhs-rheine', 'registerEntitlement', { entitlementId: first.id });
    const id = await eventId(app, 'courses', 'entitlement.registered', person.id);
    await processed(app, 'courses', id);
    const entries = await eventually(async () => {
      const r = await app.gql(
        'jobcenter-steinfurt',
        `query($id: ID!) { person(id: $id) { biography(first: 20) { type summary actor } } }`,
        { id: person.id },
        { purpose: COURSE_PURPOSE },
      );
      const b = r.body.data?.person?.biography ?? [];
      return b.length >= 2 ? b : undefined;
    });
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'entitlement.issued',
          summary: 'Entitlement (integration_course, entitlement) issued by rheine-abh',
        }),
        expect.objectContaining({
          type: 'entitlement.registered',
          summary: 'Entitlement (integration_course) registered at vhs-rheine',
        }),
      ]),
    );
  });
});
