import { Webhook } from 'standardwebhooks';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { deliveries, deliveryIn, FAST_WEBHOOKS, referToVhs } from './fixtures';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { headersOf, startReceiver } from './receiver';

/** Deliveries against real receivers on 127.0.0.1: retries, dead letters, 410, Retry-After, rotation. */
describe('webhook delivery', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    // Per endpoint fewer requests than worker slots, so one hanging endpoint cannot take them all.
    app = await startTestApp({
      workers: true,
      env: { ...FAST_WEBHOOKS, WEBHOOK_CONCURRENCY: '4', WEBHOOK_ENDPOINT_CONCURRENCY: '2' },
    });
    personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Dawit',
        familyName: 'Tesfaye',
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
  });
  afterAll(() => app?.stop());

  const disable = (id: string) =>
    app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id });

  it('500 three times, then 200: one successful delivery, one stable webhook-id, four attempts recorded, signed per Standard Webhooks', async () => {
    const receiver = await startReceiver((_r, i) => ({ status: i < 3 ? 500 : 200 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    try {
      const referralId = await referToVhs(app, personId);
      const done = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      expect(receiver.received).toHaveLength(4);
      expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([done.id]));
      expect(done.id).toMatch(/^msg_[0-9A-Z]{26}$/);
      expect(done).toMatchObject({
        eventType: 'referral.requested',
        referralId,
        status: 'succeeded',
        attemptCount: 4,
        nextAttemptAt: null,
      });
      expect(done.attempts.map((a: any) => [a.statusCode, a.error])).toEqual([
        [500, 'HTTP 500'],
        [500, 'HTTP 500'],
        [500, 'HTTP 500'],
        [200, null],
      ]);
      for (const a of done.attempts) expect(a.latencyMs).toBeGreaterThanOrEqual(0);

      // Every attempt verifies with the reference implementation; each has its own timestamp header.
      const verifier = new Webhook(ep.secret);
      for (const r of receiver.received) {
        expect(r.contentType).toBe('application/json');
        expect(r.userAgent).toBe('Lotse-Webhooks/1');
        const payload = verifier.verify(r.body, headersOf(r)) as any;
        expect(payload).toMatchObject({
          type: 'referral.requested',
          data: {
            eventId: done.eventId,
            referralId,
            personId,
            status: 'requested',
            kind: 'referral',
            referralType: 'integration_course',
            purpose: 'integration_course_referral',
            sender: 'jobcenter-steinfurt',
            receiver: 'vhs-rheine',
            reasonCode: null,
          },
        });
        expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
      }
    } finally {
      await disable(ep.id);
      await receiver.close();
    }
  });

  it('410 Gone ends the delivery and disables the endpoint; later deliveries wait until it is enabled again', async () => {
    let gone = true;
    const receiver = await startReceiver(() => ({ status: gone ? 410 : 204 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    try {
      await referToVhs(app, personId);
      const dead = await deliveryIn(app, 'vhs-rheine', ep.id, ['dead']);
      expect(dead.attemptCount).toBe(1);
      expect(dead.attempts[0]).toMatchObject({ statusCode: 410 });
      const list = await app.gql('vhs-rheine', `{ webhookEndpoints { edges { node { id enabled disabledReason } } } }`);
      const node = list.body.data.webhookEndpoints.edges.map((e: any) => e.node).find((n: any) => n.id === ep.id);
      expect(node.enabled).toBe(false);
      expect(node.disabledReason).toMatch(/410/);
      expect(receiver.received).toHaveLength(1);

      // Redelivery needs the endpoint enabled; enabling it and replaying sends the same webhook-id.
      const refused = await app.gql('vhs-rheine', `mutation($id: ID!) { redeliverWebhook(id: $id) { id } }`, {
        id: dead.id,
      });
      expect(refused.body.errors[0].extensions.code).toBe('CONFLICT');
      gone = false;
      await app.gql(
        'vhs-rheine',
        `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { enabled disabledReason } }`,
        { id: ep.id },
      );
      const replayed = await app.gql('vhs-rheine', `mutation($id: ID!) { replayDeadLetters(endpointId: $id) }`, {
        id: ep.id,
      });
      expect(replayed.body.data.replayDeadLetters).toBe(1);
      const ok = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      expect(ok.id).toBe(dead.id);
      expect(receiver.received.map((r) => r.id)).toEqual([dead.id, dead.id]);
    } finally {
      await disable(ep.id);
      await receiver.close();
    }
  });

  it('after the last retry the delivery is dead; replayDeadLetters and redeliverWebhook send it again with the same webhook-id', async () => {
    let failing = true;
    const receiver = await startReceiver(() => ({ status: failing ? 500 : 200 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    try {
      await referToVhs(app, personId);
      const dead = await deliveryIn(app, 'vhs-rheine', ep.id, ['dead']);
      // One first attempt and one per entry of the four-step schedule.
      expect(dead.attemptCount).toBe(5);
      expect(receiver.received).toHaveLength(5);
      expect((await deliveries(app, 'vhs-rheine', { endpointId: ep.id, status: 'dead' })).map((d) => d.id)).toEqual([
        dead.id,
      ]);

      failing = false;
      const replayed = await app.gql('vhs-rheine', `mutation($id: ID!) { replayDeadLetters(endpointId: $id) }`, {
        id: ep.id,
      });
      expect(replayed.body.data.replayDeadLetters).toBe(1);
      const ok = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      expect(ok).toMatchObject({ id: dead.id, attemptCount: 6 });

      const again = await app.gql('vhs-rheine', `mutation($id: ID!) { redeliverWebhook(id: $id) { id status } }`, {
        id: dead.id,
      });
      expect(again.body.data.redeliverWebhook).toEqual({ id: dead.id, status: 'pending' });
      await eventually(async () => receiver.received.length === 7);
      expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([dead.id]));
      await eventually(async () => (await deliveries(app, 'vhs-rheine', { endpointId: ep.id }))[0].attemptCount === 7);
    } finally {
      await disable(ep.id);
      await receiver.close();
    }
  });

  it.each([
    ['429 with Retry-After in seconds', 429, () => '2'],
    ['503 with Retry-After as an HTTP date', 503, () => new Date(Date.now() + 3000).toUTCString()],
  ])(
    '%s: the next attempt waits as long as asked, not the 100 ms of the schedule',
    async (_name, status, retryAfter) => {
      const receiver = await startReceiver((_r, i) =>
        i === 0 ? { status, headers: { 'retry-after': retryAfter() } } : { status: 204 },
      );
      const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
        url: receiver.url,
        eventTypes: ['referral.requested'],
      });
      try {
        await referToVhs(app, personId);
        const ok = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
        expect(ok.attempts.map((a: any) => a.statusCode)).toEqual([status, 204]);
        // An HTTP date has whole seconds: at least 2 s remain of the 3 asked for.
        expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(1900);
      } finally {
        await disable(ep.id);
        await receiver.close();
      }
    },
  );

  it('a hanging endpoint holds at most WEBHOOK_ENDPOINT_CONCURRENCY requests and does not delay a healthy one', async () => {
    const hanging = await startReceiver(() => 'hang');
    const healthy = await startReceiver(() => ({ status: 204 }));
    const slow = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: hanging.url,
      eventTypes: ['referral.requested'],
    });
    const fine = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: healthy.url,
      eventTypes: ['referral.requested'],
    });
    try {
      // Six events, each for both endpoints; 4 worker slots. Without the per-endpoint cap the
      // hanging endpoint would take all four until its 5 s timeout.
      for (let i = 0; i < 6; i++) await referToVhs(app, personId);
      await eventually(
        async () => (await deliveries(app, 'vhs-rheine', { endpointId: fine.id, status: 'succeeded' })).length === 6,
        15000,
      );
      expect(new Set(healthy.received.map((r) => r.id)).size).toBe(6);
      // Not a single attempt to the hanging endpoint has ended yet (its timeout is 5 s): the healthy one never waited for it.
      const stuck = await deliveries(app, 'vhs-rheine', { endpointId: slow.id });
      expect(stuck.every((d) => d.attemptCount === 0 && d.status === 'pending')).toBe(true);
      expect(hanging.open()).toBeGreaterThan(0);
      expect(hanging.maxOpen()).toBeLessThanOrEqual(2);
    } finally {
      await disable(slow.id);
      await disable(fine.id);
      await hanging.close();
      await healthy.close();
    }
  });

  it('Redis lost the job: the re-sync from PostgreSQL queues the pending delivery again', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    const worker = app.workers!.webhooks.worker;
    await worker.pause();
    try {
      await referToVhs(app, personId);
      const pending = await deliveryIn(app, 'vhs-rheine', ep.id, ['pending']);
      await eventually(async () => (await app.container.queues.webhooks.getJobCounts('wait')).wait > 0);
      // Everything the queue holds is gone, as after a Redis restart without persistence.
      await app.container.queues.webhooks.drain(true);
      expect(await app.container.queues.webhooks.getJobCounts('wait', 'delayed')).toEqual({ wait: 0, delayed: 0 });
      await worker.resume();
      // WEBHOOK_RESYNC_SECONDS is 1 here: the periodic re-sync finds the row.
      const done = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      expect(done.id).toBe(pending.id);
      expect(receiver.received.map((r) => r.id)).toEqual([pending.id]);
    } finally {
      await worker.resume();
      await disable(ep.id);
      await receiver.close();
    }
  });

  it('during a rotation overlap both secrets verify; after it only the new one', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', {
      url: receiver.url,
      eventTypes: ['referral.requested'],
    });
    try {
      const rotated = await app.gql(
        'vhs-rheine',
        `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id, overlapHours: 24) { secret endpoint { secrets { prefix expiresAt } } } }`,
        { id: ep.id },
      );
      const next = rotated.body.data.rotateWebhookSecret;
      expect(next.secret).toMatch(/^whsec_/);
      expect(next.endpoint.secrets).toHaveLength(2);
      expect(next.endpoint.secrets.map((s: any) => s.prefix)).toEqual([
        next.secret.slice(0, 10),
        ep.secret.slice(0, 10),
      ]);
      expect(next.endpoint.secrets[1].expiresAt).not.toBeNull();

      await referToVhs(app, personId);
      await eventually(async () => receiver.received.length === 1);
      const during = receiver.received[0];
      expect(during.signature.split(' ')).toHaveLength(2);
      expect(() => new Webhook(ep.secret).verify(during.body, headersOf(during))).not.toThrow();
      expect(() => new Webhook(next.secret).verify(during.body, headersOf(during))).not.toThrow();

      // The overlap ends (as 24 hours later): the old secret no longer signs.
      await app.container.subgraphs.hub.dataSource.query(
        `UPDATE hub.webhook_secret SET expires_at = now() - interval '1 second' WHERE endpoint_id = $1 AND expires_at IS NOT NULL`,
        [ep.id],
      );
      await referToVhs(app, personId);
      await eventually(async () => receiver.received.length === 2);
      const after = receiver.received[1];
      expect(after.signature.split(' ')).toHaveLength(1);
      expect(() => new Webhook(next.secret).verify(after.body, headersOf(after))).not.toThrow();
      expect(() => new Webhook(ep.secret).verify(after.body, headersOf(after))).toThrow();
    } finally {
      await disable(ep.id);
      await receiver.close();
    }
  });
});
