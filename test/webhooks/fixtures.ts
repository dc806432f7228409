import { eventually, TestApp } from '../helpers/app';
import { createReferralViaApi, createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';

/** Settings for delivery tests: loopback receivers, a retry schedule of milliseconds. */
export const FAST_WEBHOOKS = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms',
  WEBHOOK_TIMEOUT_MS: '5000',
  WEBHOOK_RESYNC_SECONDS: '1',
  // The tests poll webhookDeliveries; the partner's rate limits are not under test here.
  RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000',
  RATE_LIMIT_COST_PER_MINUTE: '1000000000',
};

/** A person in Rheine, and a VHS endpoint that receives `referral.requested` at `url`: returns the person's id. */
export async function personReferredToVhsAt(app: TestApp, url: string): Promise<string> {
  const person = await registerPerson(app, 'rheine-social', {
    givenName: 'Omid',
    familyName: 'Karimi',
    birthDate: '1994-03-02',
    address: RHEINE_ADDRESS,
  });
  await createWebhookEndpoint(app, 'vhs-rheine', { url, eventTypes: ['referral.requested'] });
  return person.id;
}

/** The jobcenter refers the person to the VHS for an integration course (a legal basis on both sides). */
export async function referToVhs(app: TestApp, personId: string, sender = 'jobcenter-steinfurt'): Promise<string> {
  return (
    await createReferralViaApi(app, sender, {
      personId,
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
    })
  ).id;
}

export const DELIVERY_FIELDS =
  'id endpointId eventType eventId referralId status attemptCount nextAttemptAt cancelReason attempts { at statusCode latencyMs error }';

export async function deliveries(app: TestApp, partner: string, filter: Record<string, unknown> = {}): Promise<any[]> {
  const r = await app.gql(
    partner,
    `query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f, first: 10) { edges { node { ${DELIVERY_FIELDS} } } } }`,
    { f: filter },
  );
  if (!r.body.data) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.webhookDeliveries.edges.map((e: any) => e.node);
}

/** Waits (bounded) until the endpoint has a delivery in one of `statuses`; returns it. */
export function deliveryIn(
  app: TestApp,
  partner: string,
  endpointId: string,
  statuses: string[],
  timeoutMs = 15000,
): Promise<any> {
  return eventually(
    async () => (await deliveries(app, partner, { endpointId })).find((d) => statuses.includes(d.status)),
    timeoutMs,
  );
}

/** Waits (bounded) until the webhooks queue has nothing waiting, delayed or running. */
export async function queueIdle(app: TestApp, timeoutMs = 15000): Promise<void> {
  await eventually(async () => {
    const c = await app.container.queues.webhooks.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, timeoutMs);
}
