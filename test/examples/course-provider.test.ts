import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Receiver, startReceiver, WebhookEvent } from '../../examples/course-provider/server';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, createWebhookEndpoint, registerPerson } from '../factories';

/**
 * The example receiver in examples/course-provider against a real hub (gateway, workers,
 * PostgreSQL, Redis): the hub signs and delivers, the receiver verifies and answers through the
 * GraphQL API, the sender sees the answer. Both talk over loopback only.
 */
describe('example course-provider receiver', () => {
  let app: TestApp;
  let receiver: Receiver;
  let endpointId: string;
  let secret: string;
  const received: Array<{ webhookId: string; event: WebhookEvent }> = [];
  /** What the sender's own receiver heard: the answers to its referrals. */
  let senderReceiver: Receiver;
  const senderHeard: WebhookEvent[] = [];
  /** The deliveries of the accepted and the rejected referral (set by the capacity test). */
  const deliveryOf: Record<'accepted' | 'rejected', string> = { accepted: '', rejected: '' };

  /** Registers an endpoint for `partner`, starts the example receiver with its secret and points the endpoint at it. */
  async function connect(
    partner: string,
    eventTypes: string[],
    capacity: number,
    onEvent: (event: WebhookEvent, webhookId: string) => void,
  ) {
    // The receiver needs the secret, the endpoint the receiver's URL: register first, then point it there.
    const { id: endpointId, secret: whsec } = await createWebhookEndpoint(app, partner, {
      url: 'http://127.0.0.1:9/not-yet',
      eventTypes,
      description: 'Example receiver',
    });
    const started = await startReceiver({
      secret: whsec,
      lotseUrl: app.url,
      token: await app.token(partner),
      capacity,
      port: 0,
      onEvent,
      log: () => undefined,
    });
    const updated = await app.gql(
      partner,
      `mutation($id: ID!, $url: String!) { updateWebhookEndpoint(id: $id, input: { url: $url }) { url enabled } }`,
      { id: endpointId, url: started.url },
    );
    expect(updated.body.data.updateWebhookEndpoint).toEqual({ url: started.url, enabled: true });
    return { receiver: started, endpointId, secret: whsec };
  }

  beforeAll(async () => {
    app = await startTestApp({
      workers: true,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE: '1s,1s,2s' },
    });
    ({ receiver, endpointId, secret } = await connect(
      'vhs-rheine',
      ['referral.requested', 'referral.cancelled'],
      1,
      (event, webhookId) => received.push({ event, webhookId }),
    ));
    ({ receiver: senderReceiver } = await connect(
      'jobcenter-steinfurt',
      ['referral.accepted', 'referral.rejected'],
      0,
      (event) => senderHeard.push(event),
    ));
  }, 60000);
  afterAll(async () => {
    await receiver?.close();
    await senderReceiver?.close();
    await app?.stop();
  });

  /**
   * A person the jobcenter refers to the VHS. The VHS's basis (§ 88a AufenthG) is bound to the
   * referral: it sees the person's identity and contact data only while the referral is open.
   */
  async function referToVhs(givenName: string, send = true): Promise<string> {
    const person = await registerPerson(app, 'rheine-abh', { givenName, familyName: 'Tesfaye' });
    const referral = await createReferralViaApi(app, 'jobcenter-steinfurt', {
      personId: person.id,
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
      send,
    });
    expect(referral.status).toBe(send ? 'requested' : 'draft');
    return referral.id;
  }

  /** The referral as its sender sees it, once it has reached `status`. */
  const senderSees = (id: string, status: string) =>
    eventually(
      async () => {
        const r = await app.gql('jobcenter-steinfurt', `query($id: ID!) { referral(id: $id) { status reasonCode } }`, {
          id,
        });
        return r.body.data.referral.status === status ? r.body.data.referral : undefined;
      },
      20000,
      200,
    );

  it('refuses a webhook with a bad signature with 401 and does nothing', async () => {
    const id = await referToVhs('Selam', false); // a draft: the hub sends nothing about it
    const before = receiver.stats();
    const body = JSON.stringify({
      type: 'referral.requested',
      timestamp: new Date().toISOString(),
      data: { eventId: crypto.randomUUID(), referralId: id, personId: null, status: 'requested' },
    });
    const now = new Date();
    const old = new Date(now.getTime() - 10 * 60_000);
    const post = (id: string, signature: string, payload = body, at = now) =>
      fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
      }).then((r) => r.status);
    const foreign = new Webhook(`whsec_${crypto.randomBytes(32).toString('base64')}`);
    const own = new Webhook(secret);
    expect(await post('msg_a', foreign.sign('msg_a', now, body))).toBe(401); // someone else's secret
    expect(await post('msg_b', own.sign('msg_other', now, body))).toBe(401); // signed for another webhook-id
    expect(await post('msg_c', own.sign('msg_c', now, body), body.replace('requested', 'requestet'))).toBe(401); // body changed after signing
    expect(await post('msg_d', own.sign('msg_d', old, body), body, old)).toBe(401); // too old: a replay
    expect(await post('msg_e', '')).toBe(401);
    // Control: the same way, correctly signed, gets through (an event type the receiver ignores).
    const ignored = body.replace('referral.requested', 'person.status_changed');
    expect(await post('msg_f', own.sign('msg_f', now, ignored), ignored)).toBe(204);

    await receiver.idle();
    expect(receiver.stats()).toEqual({ ...before, refused: before.refused + 5, received: before.received + 1 });
    const r = await app.gql('jobcenter-steinfurt', `query($id: ID!) { referral(id: $id) { status } }`, { id });
    expect(r.body.data.referral.status).toBe('draft');
  });

  it('accepts a referral while the course has a place, then rejects the next with no_capacity', async () => {
    const first = await referToVhs('Dawit');
    expect(await senderSees(first, 'accepted')).toEqual({ status: 'accepted', reasonCode: null });

    // What arrived: the hub's signed webhook, with the person's consented data only.
    const hit = received.find((r) => r.event.type === 'referral.requested' && r.event.data.referralId === first);
    expect(hit).toBeDefined();
    expect(hit!.event.data).toMatchObject({
      referralId: first,
      sender: 'jobcenter-steinfurt',
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
      kind: 'referral',
    });
    // Identity and contact (the referral-bound basis), nothing else (no residence status, no benefits).
    expect(hit!.event.data.person).toMatchObject({
      givenName: 'Dawit',
      familyName: 'Tesfaye',
      municipalityKey: '05566076',
    });
    expect(Object.keys(hit!.event.data.person as object).sort()).toEqual([
      'address',
      'birthDate',
      'familyName',
      'givenName',
      'municipalityKey',
    ]);
    const delivered = async (referralId: string) => {
      const res = await app.gql(
        'vhs-rheine',
        `query($e: ID!) { webhookDeliveries(filter: { endpointId: $e, eventType: "referral.requested" }) { edges { node { id referralId status attemptCount } } } }`,
        { e: endpointId },
      );
      return res.body.data.webhookDeliveries.edges
        .map((e: any) => e.node)
        .find((d: any) => d.referralId === referralId);
    };
    expect(await delivered(first)).toMatchObject({ id: hit!.webhookId, status: 'succeeded', attemptCount: 1 });
    deliveryOf.accepted = hit!.webhookId;

    const second = await referToVhs('Hiwet');
    expect(await senderSees(second, 'rejected')).toEqual({ status: 'rejected', reasonCode: 'no_capacity' });
    // The sender can see the answer before the receiver's own call has returned and been counted.
    await receiver.idle();
    expect(receiver.stats()).toMatchObject({ accepted: 1, rejected: 1, failed: 0, placesTaken: 1 });
    deliveryOf.rejected = (await delivered(second)).id;

    // The jobcenter is told too, by webhook; its own basis for the purpose covers identity, not contact.
    const answers = await eventually(async () => (senderHeard.length >= 2 ? senderHeard : undefined), 20000, 200);
    expect(answers.map((e) => [e.type, e.data.referralId, e.data.status, e.data.reasonCode])).toEqual(
      expect.arrayContaining([
        ['referral.accepted', first, 'accepted', null],
        ['referral.rejected', second, 'rejected', 'no_capacity'],
      ]),
    );
    expect(Object.keys(answers[0].data.person as object).sort()).toEqual(['birthDate', 'familyName', 'givenName']);
  }, 60000);

  it('drops a redelivery: same webhook-id, nothing done twice', async () => {
    expect(deliveryOf.accepted).toMatch(/^msg_/);
    const before = receiver.stats();
    const redelivered = await app.gql('vhs-rheine', `mutation($id: ID!) { redeliverWebhook(id: $id) { id } }`, {
      id: deliveryOf.accepted,
    });
    expect(redelivered.body.data.redeliverWebhook.id).toBe(deliveryOf.accepted);
    await eventually(async () => receiver.stats().duplicates === before.duplicates + 1, 20000, 200);
    await receiver.idle();
    expect(receiver.stats()).toEqual({ ...before, duplicates: before.duplicates + 1 });
  }, 30000);

  it('sends nothing once the basis is gone: a redelivery for a closed referral is cancelled (no_basis)', async () => {
    // The course provider saw the person only while the referral was open; it is rejected now.
    expect(deliveryOf.rejected).toMatch(/^msg_/);
    const before = receiver.stats();
    await app.gql('vhs-rheine', `mutation($id: ID!) { redeliverWebhook(id: $id) { id } }`, { id: deliveryOf.rejected });
    const cancelled = await eventually(
      async () => {
        const res = await app.gql(
          'vhs-rheine',
          `query($e: ID!) { webhookDeliveries(filter: { endpointId: $e, status: cancelled }) { edges { node { id cancelReason attemptCount } } } }`,
          { e: endpointId },
        );
        return res.body.data.webhookDeliveries.edges
          .map((e: any) => e.node)
          .find((d: any) => d.id === deliveryOf.rejected);
      },
      20000,
      200,
    );
    expect(cancelled).toEqual({ id: deliveryOf.rejected, cancelReason: 'no_basis', attemptCount: 1 });
    await receiver.idle();
    expect(receiver.stats()).toEqual(before);
  }, 30000);

  it('a place whose referral the sender cancelled is free again for the next referral', async () => {
    const [held] = [
      ...(
        await app.gql(
          'vhs-rheine',
          `{ referrals(filter: { box: inbox, status: [accepted] }) { edges { node { id } } } }`,
        )
      ).body.data.referrals.edges.map((e: any) => e.node.id),
    ];
    expect(receiver.stats().placesTaken).toBe(1);
    const cancelled = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { cancelReferral(id: $id, reason: client_declined) { status } }`,
      { id: held },
    );
    expect(cancelled.body.data.cancelReferral.status).toBe('cancelled');
    // The course provider's basis ended with the referral: it is told anyway that the referral
    // ended (DSGVO Art. 19), with the referral's ids only, and frees the place.
    const notice = await eventually(
      async () => received.find((r) => r.event.type === 'referral.cancelled' && r.event.data.referralId === held),
      20000,
      200,
    );
    expect(notice.event.data).toMatchObject({ personId: null, status: 'cancelled', reasonCode: 'client_declined' });
    expect(notice.event.data.person).toBeUndefined();
    await eventually(async () => receiver.stats().placesTaken === 0, 20000, 200);
    const next = await referToVhs('Yonas');
    expect(await senderSees(next, 'accepted')).toEqual({ status: 'accepted', reasonCode: null });
    await receiver.idle();
    expect(receiver.stats()).toMatchObject({ accepted: 2, rejected: 1, failed: 0, placesTaken: 1 });
  }, 30000);
});
