import { Webhook } from 'standardwebhooks';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { deliveries, deliveryIn, FAST_WEBHOOKS, queueIdle, referToVhs } from './fixtures';
import { createWebhookEndpoint, recordConsentViaApi, RHEINE_ADDRESS, registerPerson } from '../factories';
import { headersOf, Receiver, startReceiver } from './receiver';

/**
 * What a webhook may say about a person is decided when it is sent: only to partners that then
 * have a legal basis or consent, and only the fields their basis covers.
 */
describe('webhooks and data protection', () => {
  let app: TestApp;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await startReceiver(() => ({ status: 204 }));
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    app = await startTestApp({ workers: true, env: FAST_WEBHOOKS });
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await app?.stop();
  });

  const endpointsOf = async (partner: string) =>
    (await app.gql(partner, `{ webhookEndpoints { edges { node { id } } } }`)).body.data.webhookEndpoints.edges.map(
      (e: any) => e.node.id,
    );
  const clearEndpoints = async (...partners: string[]) => {
    for (const p of partners)
      for (const id of await endpointsOf(p))
        await app.gql(p, `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id });
  };
  const consent = (personId: string, recipients: string[], categories: string[]) =>
    recordConsentViaApi(app, 'rheine-social', {
      personId,
      purpose: 'integration_course_referral',
      recipients,
      categories,
      evidenceRef: 'Einwilligung 2026/77',
    });
  const webhooksWorker = () => app.workers!.webhooks.worker;
  /** A consent-based referral to the VHS whose webhook waits in the queue: the webhooks worker is left paused (each test resumes it). */
  const queuedReferral = async (givenName: string, familyName: string, eventTypes: string[]) => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName,
        familyName,
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const consentId = await consent(personId, ['vhs-rheine'], ['identity', 'contact']);
    const vhs = await receiver();
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', { url: vhs.url, eventTypes });
    await webhooksWorker().pause();
    try {
      const referralId = await referToVhs(app, personId, 'rheine-social');
      const pending = await deliveryIn(app, 'vhs-rheine', ep.id, ['pending']);
      return { personId, consentId, vhs, ep, referralId, pending };
    } catch (err) {
      await webhooksWorker().resume();
      throw err;
    }
  };

  it('routes per routeEvent: the receiver hears of the referral, the acting sender does not, an unsubscribed or uninvolved partner hears nothing', async () => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Amina',
        familyName: 'Haddad',
        birthDate: '1990-07-14',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const vhs = await receiver();
    const jobcenter = await receiver();
    const fbs = await receiver();
    const caritas = await receiver();
    const vhsEp = await createWebhookEndpoint(app, 'vhs-rheine', { url: vhs.url, eventTypes: ['referral.requested'] });
    await createWebhookEndpoint(app, 'jobcenter-steinfurt', {
      url: jobcenter.url,
      eventTypes: ['referral.requested', 'referral.accepted'],
    });
    await createWebhookEndpoint(app, 'fbs-rheine', { url: fbs.url, eventTypes: ['referral.requested'] });
    await createWebhookEndpoint(app, 'caritas-rheine', {
      url: caritas.url,
      eventTypes: ['referral.requested', 'referral.accepted'],
    });
    try {
      const referralId = await referToVhs(app, personId);
      await deliveryIn(app, 'vhs-rheine', vhsEp.id, ['succeeded']);
      // The course provider's basis (§ 88a AufenthG while the referral is open) covers identity and contact.
      const payload = new Webhook(vhsEp.secret).verify(vhs.received[0].body, headersOf(vhs.received[0])) as any;
      expect(payload.data.person).toEqual({
        givenName: 'Amina',
        familyName: 'Haddad',
        birthDate: '1990-07-14',
        municipalityKey: '05566076',
        address: { street: 'Emsstraße', houseNumber: '3', postalCode: '48431', locality: 'Rheine' },
      });

      // The sender hears of the receiver's answer, not of its own sending.
      await app.gql('vhs-rheine', `mutation($id: ID!) { acceptReferral(id: $id) { status } }`, { id: referralId });
      await eventually(async () => jobcenter.received.length === 1);
      const accepted = JSON.parse(jobcenter.received[0].body);
      expect(accepted).toMatchObject({
        type: 'referral.accepted',
        data: { referralId, personId, status: 'accepted', sender: 'jobcenter-steinfurt', receiver: 'vhs-rheine' },
      });
      // The jobcenter's legal basis for the purpose covers identity only (and residence, which no webhook carries).
      expect(Object.keys(accepted.data.person).sort()).toEqual(['birthDate', 'familyName', 'givenName']);

      await queueIdle(app);
      expect(vhs.received).toHaveLength(1);
      expect(fbs.received).toHaveLength(0);
      expect(caritas.received).toHaveLength(0);
      expect(await deliveries(app, 'fbs-rheine')).toEqual([]);
      expect(await deliveries(app, 'caritas-rheine')).toEqual([]);
    } finally {
      await clearEndpoints('vhs-rheine', 'jobcenter-steinfurt', 'fbs-rheine', 'caritas-rheine');
    }
  });

  it('a consent for identity only gives the names and birth date, nothing of the address; the read is in the audit log', async () => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Yonas',
        familyName: 'Bekele',
        birthDate: '2001-01-20',
        address: RHEINE_ADDRESS,
      })
    ).id;
    await consent(personId, ['vhs-rheine'], ['identity']);
    const vhs = await receiver();
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', { url: vhs.url, eventTypes: ['referral.requested'] });
    try {
      // The advice team has no referral-bound basis at the VHS: the consent is all there is.
      await referToVhs(app, personId, 'rheine-social');
      const d = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      const payload = JSON.parse(vhs.received[0].body);
      expect(payload.data.person).toEqual({ givenName: 'Yonas', familyName: 'Bekele', birthDate: '2001-01-20' });
      const report = await app.container.audit.accessReport(personId);
      const read = report.find((e) => e.partner === 'vhs-rheine' && e.operation === 'webhook' && e.kind === 'read');
      expect(read).toMatchObject({ categories: ['identity'], purpose: 'integration_course_referral' });
      expect(read!.basis).toMatch(/^consent:/);
      expect(d.status).toBe('succeeded');
    } finally {
      await clearEndpoints('vhs-rheine');
    }
  });

  it('consent withdrawn while the webhook is queued: the delivery is cancelled and the receiver gets no request at all', async () => {
    const { personId, consentId, vhs, ep, pending } = await queuedReferral('Samira', 'Nouri', ['referral.requested']);
    try {
      await app.gql('rheine-social', `mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`, {
        id: consentId,
      });
      const cancelled = await deliveryIn(app, 'vhs-rheine', ep.id, ['cancelled']);
      expect(cancelled).toMatchObject({ id: pending.id, cancelReason: 'no_basis', attemptCount: 0 });
      await webhooksWorker().resume();
      await queueIdle(app);
      expect(vhs.received).toHaveLength(0);
      const report = await app.container.audit.accessReport(personId);
      expect(report.some((e) => e.partner === 'vhs-rheine' && e.kind === 'denied' && e.operation === 'webhook')).toBe(
        true,
      );
      expect(report.some((e) => e.partner === 'vhs-rheine' && e.kind === 'read' && e.operation === 'webhook')).toBe(
        false,
      );
    } finally {
      await webhooksWorker().resume();
      await clearEndpoints('vhs-rheine');
    }
  });

  it('consent withdrawn while the webhook is queued: the queued webhook never goes out; the receiver is only told that the referral ended, without the person', async () => {
    const { personId, consentId, vhs, ep, referralId, pending } = await queuedReferral('Yara', 'Darwish', [
      'referral.requested',
      'referral.cancelled',
    ]);
    try {
      await app.gql('rheine-social', `mutation($id: ID!) { withdrawConsent(input: { consentId: $id }) { active } }`, {
        id: consentId,
      });
      expect(await deliveryIn(app, 'vhs-rheine', ep.id, ['cancelled'])).toMatchObject({
        id: pending.id,
        eventType: 'referral.requested',
        cancelReason: 'no_basis',
      });
      await webhooksWorker().resume();
      await eventually(async () => vhs.received.length === 1);
      await queueIdle(app);
      expect(vhs.received).toHaveLength(1);
      const notice = new Webhook(ep.secret).verify(vhs.received[0].body, headersOf(vhs.received[0])) as any;
      expect(notice.type).toBe('referral.cancelled');
      expect(notice.data).toMatchObject({
        referralId,
        personId: null,
        status: 'cancelled',
        reasonCode: 'client_withdrew',
      });
      expect(notice.data.person).toBeUndefined();
      expect(vhs.received[0].body).not.toContain(personId);
      expect(vhs.received[0].body).not.toContain('Darwish');
      const report = await app.container.audit.accessReport(personId);
      expect(report.some((e) => e.partner === 'vhs-rheine' && e.kind === 'read' && e.operation === 'webhook')).toBe(
        false,
      );
    } finally {
      await webhooksWorker().resume();
      await clearEndpoints('vhs-rheine');
    }
  });

  it('a course provider whose referral-bound basis ended with the referral hears of the cancellation, ids only', async () => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Omid',
        familyName: 'Karimi',
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const vhs = await receiver();
    await createWebhookEndpoint(app, 'vhs-rheine', {
      url: vhs.url,
      eventTypes: ['referral.requested', 'referral.cancelled'],
    });
    try {
      const referralId = await referToVhs(app, personId);
      await eventually(async () => vhs.received.length === 1);
      expect(JSON.parse(vhs.received[0].body).data.person).toMatchObject({ familyName: 'Karimi' });
      await app.gql('jobcenter-steinfurt', `mutation($id: ID!) { cancelReferral(id: $id) { status } }`, {
        id: referralId,
      });
      await eventually(async () => vhs.received.length === 2);
      const notice = JSON.parse(vhs.received[1].body);
      expect(notice).toMatchObject({
        type: 'referral.cancelled',
        data: { referralId, personId: null, status: 'cancelled', sender: 'jobcenter-steinfurt' },
      });
      expect(notice.data.person).toBeUndefined();
      expect(vhs.received[1].body).not.toContain('Karimi');
    } finally {
      await clearEndpoints('vhs-rheine');
    }
  });

  it('a consent that ran out with no event about it: the check at send time alone stops the delivery', async () => {
    const { consentId, vhs, ep, pending } = await queuedReferral('Hamid', 'Rahimi', ['referral.requested']);
    try {
      // The consent's validity ends; no event is written, so only the sending worker can notice.
      await app.container.subgraphs.hub.dataSource.query(
        `UPDATE hub.consent SET valid_until = now() - interval '1 second' WHERE id = $1`,
        [consentId],
      );
      expect((await deliveries(app, 'vhs-rheine', { endpointId: ep.id }))[0].status).toBe('pending');
      await webhooksWorker().resume();
      const cancelled = await deliveryIn(app, 'vhs-rheine', ep.id, ['cancelled']);
      expect(cancelled).toMatchObject({ id: pending.id, cancelReason: 'no_basis', attemptCount: 0, attempts: [] });
      await queueIdle(app);
      expect(vhs.received).toHaveLength(0);
    } finally {
      await webhooksWorker().resume();
      await clearEndpoints('vhs-rheine');
    }
  });

  it('deliveries pending while their endpoint is disabled wait, and go out once it is enabled again', async () => {
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Lina',
        familyName: 'Saleh',
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const vhs = await receiver();
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', { url: vhs.url, eventTypes: ['referral.requested'] });
    await webhooksWorker().pause();
    try {
      await referToVhs(app, personId);
      const pending = await deliveryIn(app, 'vhs-rheine', ep.id, ['pending']);
      await app.gql(
        'vhs-rheine',
        `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { enabled } }`,
        { id: ep.id },
      );
      await webhooksWorker().resume();
      await queueIdle(app);
      const waiting = (await deliveries(app, 'vhs-rheine', { endpointId: ep.id }))[0];
      expect(waiting).toMatchObject({ id: pending.id, status: 'pending', nextAttemptAt: null, attemptCount: 0 });
      expect(vhs.received).toHaveLength(0);
      await app.gql(
        'vhs-rheine',
        `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { enabled } }`,
        { id: ep.id },
      );
      await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      expect(vhs.received.map((r) => r.id)).toEqual([pending.id]);
    } finally {
      await webhooksWorker().resume();
      await clearEndpoints('vhs-rheine');
    }
  });
});
