import { startTestApp, TestApp } from '../helpers/app';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { deliveries, deliveryIn, FAST_WEBHOOKS, queueIdle, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { freePort } from '../../src/runtime/free-port';

/**
 * F8: the receiver is down (connection refused) for the whole retry window. The delivery ends
 * dead, visible in the API; replayed once the receiver is back, it arrives once, with the same
 * webhook-id. Nothing is lost.
 */
describe('F8 webhook receiver down for the whole retry window', () => {
  let app: TestApp;
  let receiver: Receiver | undefined;

  beforeAll(async () => {
    app = await startTestApp({
      workers: true,
      env: { ...FAST_WEBHOOKS, WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,300ms' },
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
  });

  it('the delivery is dead-lettered, and a replay delivers it once with the same webhook-id', async () => {
    // Nothing listens on this port until the receiver comes back.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Omid',
        familyName: 'Karimi',
        birthDate: '1994-03-02',
        address: RHEINE_ADDRESS,
      })
    ).id;
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', { url, eventTypes: ['referral.requested'] });
    await referToVhs(app, personId);

    const dead = await deliveryIn(app, 'vhs-rheine', ep.id, ['dead'], 20_000);
    // The first attempt and the three retries of the schedule, each refused.
    expect(dead.attemptCount).toBe(4);
    expect(dead.attempts).toHaveLength(4);
    expect(dead.attempts.every((a: any) => a.statusCode === null && a.error)).toBe(true);
    expect(await deliveries(app, 'vhs-rheine', { endpointId: ep.id, status: 'dead' })).toHaveLength(1);

    receiver = await startReceiver(undefined, '/hooks', port);
    const replay = await app.gql('vhs-rheine', 'mutation($id: ID!) { replayDeadLetters(endpointId: $id) }', {
      id: ep.id,
    });
    expect(replay.body).toEqual({ data: { replayDeadLetters: 1 } });

    const done = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded'], 20_000);
    expect(done.id).toBe(dead.id);
    await queueIdle(app);
    // Once, with the delivery's id as webhook-id; one delivery in all, none left dead or pending.
    expect(receiver.received.map((r) => r.id)).toEqual([dead.id]);
    const all = await deliveries(app, 'vhs-rheine', { endpointId: ep.id });
    expect(all.map((d) => [d.id, d.status])).toEqual([[dead.id, 'succeeded']]);
  });
});
