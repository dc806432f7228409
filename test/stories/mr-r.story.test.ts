import { Webhook } from 'standardwebhooks';
import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { biography } from '../rules/rules-helpers';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { headersOf, Receiver, startReceiver } from '../webhooks/receiver';
import {
  COURSE_PURPOSE,
  createReferralViaApi,
  createWebhookEndpoint,
  entitlementMutation,
  entitlementsOf,
  issueEntitlementViaApi,
  mutate,
  registerPersonViaApi,
} from '../factories';

const EMSDETTEN = '05566008';
const RHEINE = '05566076';
const DISTRICT = '05566';

/**
 * The report's central case, end to end through GraphQL with the workers running. Mr R. holds an
 * entitlement to an integration course from the district's immigration office, registered at the
 * adult education centre of Emsdetten, where he lived. He moves to Rheine; the jobcenter obliges
 * him to attend a course. Before Lotse he waited a year: a second certificate was issued while the
 * first lay with the old provider. Here there is never a second one: the jobcenter is added as an
 * obliging body, the entitlement follows him to Rheine's provider, which receives the registration
 * by signed webhook, the old provider is told to let go, and his biography shows every step.
 */
describe('story: Mr R. waits for no second certificate', () => {
  let app: TestApp;
  const receivers: Receiver[] = [];

  const connect = (slug: string, kind: PartnerKind, jurisdiction: string, scopes: string[]) => ({
    slug,
    name: `Test ${slug}`,
    kind,
    legalDomains: [kind === PartnerKind.immigration_office ? LegalDomain.AufenthG : LegalDomain.none],
    municipalityKey: jurisdiction.length === 8 ? jurisdiction : EMSDETTEN,
    jurisdiction: [jurisdiction],
    scopes: ['persons:read', 'partners:read', 'courses:read', 'webhooks:manage', ...scopes],
    purposes: [COURSE_PURPOSE],
  });

  beforeAll(async () => {
    app = await startTestApp({ workers: true, env: FAST_WEBHOOKS });
    const hub = app.container.subgraphs.hub.services;
    // Kreis Steinfurt's immigration office serves the district's towns without their own (Emsdetten).
    await hub.partners.upsert(
      connect('kreis-steinfurt-abh', PartnerKind.immigration_office, DISTRICT, ['persons:write', 'entitlements:write']),
    );
    await hub.partners.upsert(connect('emsdetten-vhs', PartnerKind.course_provider, EMSDETTEN, ['courses:write']));
    for (const recipientPartner of ['kreis-steinfurt-abh', 'emsdetten-vhs'])
      for (const category of ['identity', 'contact', 'course_participation'])
        await hub.legalBases.add({
          recipientPartner,
          purpose: COURSE_PURPOSE,
          category,
          statute: '§ 88a Abs. 1 AufenthG, § 8 IntV',
          description: 'Integrationskurs einer Person im Kreis Steinfurt',
          sourcePartner: null,
        });
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await app?.stop();
  });

  const hook = async (slug: string) => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const ep = await createWebhookEndpoint(app, slug, {
      url: receiver.url,
      eventTypes: ['entitlement.transferred', 'entitlement.released', 'entitlement.obligation_added'],
    });
    const verifier = new Webhook(ep.secret);
    /** The first `n` deliveries, each verified against the endpoint's secret. */
    return async (n: number) => {
      await eventually(async () => (receiver.received.length >= n ? true : undefined));
      return receiver.received.map((r) => verifier.verify(r.body, headersOf(r)) as any);
    };
  };

  it('one entitlement from issue to the new provider, told to every party, in the biography', async () => {
    const oldProvider = await hook('emsdetten-vhs');
    const newProvider = await hook('vhs-rheine');

    // 1. Emsdetten: registered by the district's immigration office, entitled to an integration course.
    const personId = await registerPersonViaApi(app, 'kreis-steinfurt-abh', {
      givenName: 'Rami',
      familyName: 'R.',
      birthDate: '1988-04-12',
      municipalityKey: EMSDETTEN,
    });
    const issued = await issueEntitlementViaApi(app, 'kreis-steinfurt-abh', { personId, hoursGranted: 700 });
    expect(issued.errors).toBeNull();
    const id: string = issued.entitlement.id;
    expect(issued.entitlement).toMatchObject({ status: 'issued', issuingBody: 'kreis-steinfurt-abh' });

    // 2. He registers with the adult education centre in Emsdetten.
    const registered = await entitlementMutation(app, 'emsdetten-vhs', 'registerEntitlement', { entitlementId: id });
    expect(registered.entitlement).toMatchObject({ status: 'registered', registeredProvider: 'emsdetten-vhs' });

    // 3. He moves to Rheine (recorded through GraphQL); the move rule hands the entitlement on.
    await mutate(
      app,
      'kreis-steinfurt-abh',
      'movePerson',
      'mutation($input: MovePersonInput!) { movePerson(input: $input) { id } }',
      { input: { personId, municipalityKey: RHEINE } },
    );
    const [release] = await oldProvider(1);
    // The old provider lets go; the person is out of its area, so the notice names only the entitlement.
    expect(release).toMatchObject({
      type: 'entitlement.released',
      data: { personId: null, details: { entitlementId: id, provider: 'emsdetten-vhs', reasonCode: 'moved_away' } },
    });
    const afterMove = await eventually(async () => {
      const [e] = (await entitlementsOf(app, 'jobcenter-steinfurt', personId)).entitlements ?? [];
      return e?.municipalityKey === RHEINE ? e : undefined;
    });
    // Rheine's most local provider for integration courses holds it now (ties by slug: the FBS).
    expect(afterMove).toMatchObject({ id, status: 'registered', registeredProvider: 'fbs-rheine' });

    // 4. The jobcenter obliges him (§ 44a AufenthG): no second certificate; the existing one is named.
    const second = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', { personId, basis: 'obligation' as any });
    expect(second.entitlement).toBeNull();
    expect(second.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      entitlementId: id,
      issuer: 'kreis-steinfurt-abh',
      registeredProvider: 'fbs-rheine',
      status: 'registered',
      allowedActions: ['addObligingBody', 'withdrawEntitlement', 'transferEntitlement'],
    });
    const obliged = await entitlementMutation(app, 'jobcenter-steinfurt', 'addObligingBody', {
      entitlementId: id,
      body: 'jobcenter-steinfurt',
      basis: 'obligation',
    });
    expect(obliged.entitlement.obligingBodies.map((b: any) => [b.partner, b.kind])).toEqual([
      ['kreis-steinfurt-abh', 'entitlement'],
      ['jobcenter-steinfurt', 'obligation'],
    ]);

    // 5. The jobcenter transfers it to the VHS Rheine, whose course fits his working hours.
    const transferred = await entitlementMutation(app, 'jobcenter-steinfurt', 'transferEntitlement', {
      entitlementId: id,
      toProvider: 'vhs-rheine',
      reason: 'provider_change',
    });
    expect(transferred.entitlement).toMatchObject({ id, status: 'registered', registeredProvider: 'vhs-rheine' });

    // With it the jobcenter assigns him to the VHS (a referral): while it is open, the VHS may know him.
    const referral = await createReferralViaApi(app, 'jobcenter-steinfurt', { personId, receiver: 'vhs-rheine' });
    expect(referral.status).toBe('requested');

    // 6. The new provider receives the registration by signed webhook, naming the entitlement.
    const toVhs = (await newProvider(1)).find((w) => w.type === 'entitlement.transferred');
    expect(toVhs).toMatchObject({
      data: {
        personId,
        details: {
          entitlementId: id,
          fromProvider: 'fbs-rheine',
          toProvider: 'vhs-rheine',
          reasonCode: 'provider_change',
        },
      },
    });

    // Still exactly one entitlement, whoever asks.
    for (const partner of ['jobcenter-steinfurt', 'kreis-steinfurt-abh', 'vhs-rheine', 'rheine-abh']) {
      const seen = await entitlementsOf(app, partner, personId);
      expect({ partner, ids: seen.entitlements?.map((e: any) => e.id), errors: seen.errors }).toEqual({
        partner,
        ids: [id],
        errors: null,
      });
    }
    // Nobody in Emsdetten sees it any more.
    expect((await entitlementsOf(app, 'emsdetten-vhs', personId)).entitlements ?? []).toEqual([]);

    // 7. The biography shows every step to the parties, in order.
    const steps = [
      'entitlement.issued',
      'entitlement.registered',
      'person.moved',
      'entitlement.transferred',
      'entitlement.released',
      'entitlement.obligation_added',
      'entitlement.transferred',
      'entitlement.released',
    ];
    for (const [partner, purpose] of [
      ['jobcenter-steinfurt', COURSE_PURPOSE],
      ['vhs-rheine', COURSE_PURPOSE],
      ['kreis-steinfurt-abh', COURSE_PURPOSE],
    ]) {
      const seen = await eventually(async () => {
        const entries = (await biography(app, partner, personId, purpose))
          .filter((e) => steps.includes(e.type))
          .reverse();
        return entries.filter((e) => e.type.startsWith('entitlement.')).length === 7 ? entries : undefined;
      });
      const entitlementSteps = seen.filter((e) => e.type.startsWith('entitlement.')).map((e) => e.type);
      // A transfer and its release happen in one transaction; their order within it is not fixed.
      expect(entitlementSteps.slice(0, 2)).toEqual(['entitlement.issued', 'entitlement.registered']);
      expect(entitlementSteps.slice(2, 4).sort()).toEqual(['entitlement.released', 'entitlement.transferred']);
      expect(entitlementSteps[4]).toBe('entitlement.obligation_added');
      expect(entitlementSteps.slice(5).sort()).toEqual(['entitlement.released', 'entitlement.transferred']);
      expect(seen.map((e) => e.summary).join('\n')).toContain('emsdetten-vhs → fbs-rheine (moved_away)');
      expect(seen.map((e) => e.summary).join('\n')).toContain('fbs-rheine → vhs-rheine (provider_change)');
    }
  });
});
