import { Webhook } from 'standardwebhooks';
import { systemActor } from '../../src/shared/actor';
import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventId, processed, replay } from '../rules/rules-helpers';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { headersOf, Receiver, startReceiver } from '../webhooks/receiver';
import {
  COURSE_PURPOSE,
  createWebhookEndpoint,
  entitlementMutation,
  entitlementsOf,
  issueEntitlementViaApi,
  registerPerson,
} from '../factories';

const EMSDETTEN = '05566008';
const GREVEN = '05566028';
const RHEINE = '05566076';

/**
 * Transfers and moves: the same entry moves between providers (never a second one), the new
 * provider receives the registration by signed webhook, the old one is told to release it; a move
 * hands it to a provider of the new municipality, or releases it where none serves. The demo has
 * no second city: the test connects Emsdetten's immigration office and adult education centre.
 */
describe('entitlement transfer and move', () => {
  let app: TestApp;
  const receivers: Receiver[] = [];

  const partner = (slug: string, kind: PartnerKind, scopes: string[]) => ({
    slug,
    name: `Test ${slug}`,
    kind,
    legalDomains: [kind === PartnerKind.immigration_office ? LegalDomain.AufenthG : LegalDomain.none],
    municipalityKey: EMSDETTEN,
    jurisdiction: [EMSDETTEN],
    scopes: ['persons:read', 'partners:read', 'courses:read', 'webhooks:manage', ...scopes],
    purposes: [COURSE_PURPOSE],
  });

  beforeAll(async () => {
    app = await startTestApp({ workers: true, env: FAST_WEBHOOKS });
    const hub = app.container.subgraphs.hub.services;
    await hub.partners.upsert(partner('emsdetten-abh', PartnerKind.immigration_office, ['entitlements:write']));
    await hub.partners.upsert(partner('emsdetten-vhs', PartnerKind.course_provider, ['courses:write']));
    for (const recipientPartner of ['emsdetten-abh', 'emsdetten-vhs'])
      for (const category of ['identity', 'course_participation'])
        await hub.legalBases.add({
          recipientPartner,
          purpose: COURSE_PURPOSE,
          category,
          statute: '§ 88a Abs. 1 AufenthG, § 8 IntV',
          description: 'Integration course of a person in Emsdetten',
          sourcePartner: null,
        });
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await app?.stop();
  });

  const move = async (personId: string, municipalityKey: string) => {
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.move(
        { ...systemActor(), partner: 'rheine-social' },
        { personId, municipalityKey },
      ),
    );
    const id = await eventId(app, 'city', 'person.moved', personId);
    await processed(app, 'city', id);
    return id;
  };
  const endpoint = async (slug: string) => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const ep = await createWebhookEndpoint(app, slug, {
      url: receiver.url,
      eventTypes: ['entitlement.transferred', 'entitlement.released'],
    });
    return { receiver, verifier: new Webhook(ep.secret) };
  };
  const signed = async (hook: { receiver: Receiver; verifier: Webhook }, n = 1) => {
    await eventually(async () => (hook.receiver.received.length >= n ? true : undefined));
    return hook.receiver.received.map((r) => hook.verifier.verify(r.body, headersOf(r)) as any);
  };
  const stepsOf = async (personId: string) =>
    asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT s.action, s.to_status, s.provider_from, s.provider_to, s.reason_code, s.by_partner
           FROM courses.entitlement_step s JOIN courses.entitlement e ON e.id = s.entitlement_id
          WHERE e.person_id = $1 ORDER BY s.at, s.id`,
        [personId],
      ),
    );

  it('Mr R.: issued in Emsdetten, registered there; the move to Rheine transfers it; the jobcenter obliges instead of issuing; a transfer to the VHS reaches it by signed webhook', async () => {
    const fbs = await endpoint('fbs-rheine');
    const vhs = await endpoint('vhs-rheine');
    const emsdettenVhs = await endpoint('emsdetten-vhs');
    const person = await registerPerson(app, 'emsdetten-abh', { municipalityKey: EMSDETTEN });
    const issued = await issueEntitlementViaApi(app, 'emsdetten-abh', { personId: person.id });
    expect(issued.errors).toBeNull();
    const id = issued.entitlement.id;
    const registered = await entitlementMutation(app, 'emsdetten-vhs', 'registerEntitlement', { entitlementId: id });
    expect(registered.entitlement).toMatchObject({ status: 'registered', registeredProvider: 'emsdetten-vhs' });

    // The move: Emsdetten's provider does not serve Rheine; the most local provider there takes it (by slug: fbs).
    const moved = await move(person.id, RHEINE);
    const afterMove = (await entitlementsOf(app, 'jobcenter-steinfurt', person.id)).entitlements;
    expect(afterMove).toHaveLength(1);
    expect(afterMove[0]).toMatchObject({
      id,
      status: 'registered',
      registeredProvider: 'fbs-rheine',
      municipalityKey: RHEINE,
    });
    const [toFbs] = await signed(fbs);
    expect(toFbs).toMatchObject({ type: 'entitlement.transferred', data: { personId: person.id } });
    expect(toFbs.data.details).toMatchObject({
      entitlementId: id,
      fromProvider: 'emsdetten-vhs',
      toProvider: 'fbs-rheine',
    });
    // Emsdetten no longer sees it; its provider is told to let go, without the person (it has no basis left).
    expect((await entitlementsOf(app, 'emsdetten-abh', person.id)).entitlements ?? []).toEqual([]);
    const [release] = await signed(emsdettenVhs);
    expect(release).toMatchObject({
      type: 'entitlement.released',
      data: {
        personId: null,
        details: {
          entitlementId: id,
          courseKind: 'integration_course',
          provider: 'emsdetten-vhs',
          reasonCode: 'moved_away',
        },
      },
    });
    expect(release.data.person).toBeUndefined();
    // A retry of the move event changes nothing.
    await replay(app, 'city', moved);
    expect((await stepsOf(person.id)).filter((s: any) => s.action === 'transfer')).toHaveLength(1);

    // The jobcenter obliges him: no second certificate, the existing one is named.
    const second = await issueEntitlementViaApi(app, 'jobcenter-steinfurt', {
      personId: person.id,
      basis: 'obligation' as any,
    });
    expect(second.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      entitlementId: id,
      issuer: 'emsdetten-abh',
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
      ['emsdetten-abh', 'entitlement'],
      ['jobcenter-steinfurt', 'obligation'],
    ]);

    // The jobcenter transfers it to the VHS: same entry; the VHS gets the registration, FBS is told to release it.
    const transferred = await entitlementMutation(app, 'jobcenter-steinfurt', 'transferEntitlement', {
      entitlementId: id,
      toProvider: 'vhs-rheine',
      reason: 'provider_change',
    });
    expect(transferred.errors).toBeNull();
    expect(transferred.entitlement).toMatchObject({ id, status: 'registered', registeredProvider: 'vhs-rheine' });
    const [toVhs] = await signed(vhs);
    // The registration names the entitlement: the provider acts without a first query.
    expect(toVhs).toMatchObject({
      type: 'entitlement.transferred',
      data: {
        personId: person.id,
        details: {
          entitlementId: id,
          courseKind: 'integration_course',
          provider: 'vhs-rheine',
          fromProvider: 'fbs-rheine',
          toProvider: 'vhs-rheine',
          reasonCode: 'provider_change',
          toMunicipalityKey: null,
        },
      },
    });
    const released = await signed(fbs, 2);
    expect(released[1]).toMatchObject({
      type: 'entitlement.released',
      data: {
        personId: person.id,
        details: { entitlementId: id, provider: 'fbs-rheine', reasonCode: 'provider_change' },
      },
    });
    expect(await stepsOf(person.id)).toEqual([
      expect.objectContaining({ action: 'issue', to_status: 'issued', by_partner: 'emsdetten-abh' }),
      expect.objectContaining({ action: 'register', to_status: 'registered', provider_to: 'emsdetten-vhs' }),
      expect.objectContaining({
        action: 'transfer',
        provider_from: 'emsdetten-vhs',
        provider_to: 'fbs-rheine',
        reason_code: 'moved_away',
        by_partner: 'lotse',
      }),
      expect.objectContaining({ action: 'obligation_added', by_partner: 'jobcenter-steinfurt' }),
      expect.objectContaining({
        action: 'transfer',
        provider_from: 'fbs-rheine',
        provider_to: 'vhs-rheine',
        reason_code: 'provider_change',
        by_partner: 'jobcenter-steinfurt',
      }),
    ]);
    const payload = (
      await app.container.subgraphs.courses.dataSource.query(
        `SELECT payload FROM courses.outbox WHERE person_id = $1 AND type = 'entitlement.transferred' ORDER BY occurred_at`,
        [person.id],
      )
    ).map((r: any) => r.payload);
    expect(payload[1]).toEqual({
      entitlementId: id,
      personId: person.id,
      courseKind: 'integration_course',
      issuer: 'emsdetten-abh',
      bodies: ['emsdetten-abh', 'jobcenter-steinfurt'],
      provider: 'vhs-rheine',
      fromProvider: 'fbs-rheine',
      toProvider: 'vhs-rheine',
      reasonCode: 'provider_change',
      toMunicipalityKey: null,
    });
  });

  it('a move where no provider serves: released (issued again, no provider); a transfer needs an active course provider', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const issued = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    await entitlementMutation(app, 'vhs-rheine', 'registerEntitlement', { entitlementId: issued.id });
    const wrong = await entitlementMutation(app, 'rheine-abh', 'transferEntitlement', {
      entitlementId: issued.id,
      toProvider: 'jobcenter-steinfurt',
      reason: 'provider_change',
    });
    expect(wrong.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toProvider' });
    await move(person.id, GREVEN);
    const [e] = (await entitlementsOf(app, 'jobcenter-steinfurt', person.id)).entitlements;
    expect(e).toMatchObject({ id: issued.id, status: 'issued', registeredProvider: null, municipalityKey: GREVEN });
    expect(e.steps.map((s: any) => [s.action, s.toStatus, s.providerFrom, s.reasonCode])).toEqual([
      ['issue', 'issued', null, null],
      ['register', 'registered', null, null],
      ['release', 'issued', 'vhs-rheine', 'moved_away'],
    ]);
    const released = await eventId(app, 'courses', 'entitlement.released', person.id);
    await processed(app, 'courses', released);
  });

  it('where no connected partner serves the new municipality it leaves with the person (transferred, terminal)', async () => {
    const person = await registerPerson(app, 'rheine-abh');
    const issued = (await issueEntitlementViaApi(app, 'rheine-abh', { personId: person.id })).entitlement;
    const use = app.container.subgraphs.courses.services.entitlementUse;
    const move = {
      entitlementId: issued.id,
      eventId: '00000000-0000-4000-8000-000000000001',
      toMunicipalityKey: '09162000',
    };
    await asHub(app, () => use.followMove(systemActor(), { ...move, target: { kind: 'handOver' } }));
    await asHub(app, () => use.followMove(systemActor(), { ...move, target: { kind: 'handOver' } }));
    const [row] = await asHub(app, () =>
      app.container.subgraphs.courses.dataSource.query(
        `SELECT status, municipality_key, (SELECT count(*)::int FROM courses.entitlement_step WHERE entitlement_id = $1) AS steps FROM courses.entitlement WHERE id = $1`,
        [issued.id],
      ),
    );
    expect(row).toEqual({ status: 'transferred', municipality_key: '09162000', steps: 2 });
  });
});
