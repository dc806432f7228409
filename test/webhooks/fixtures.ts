import { systemActor } from '../../src/shared/actor';
import { eventually, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';

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

export async function registerPerson(app: TestApp, givenName: string, familyName: string, birthDate = '1994-03-02'): Promise<string> {
  const p = await asHub(app, () => app.container.subgraphs.city.services.persons.register({ ...systemActor(), partner: 'rheine-social' }, { givenName, familyName, birthDate, municipalityKey: '05566076', address: { street: 'Emsstraße', houseNumber: '3', postalCode: '48431', locality: 'Rheine' } } as any));
  return p.id;
}

export async function createEndpoint(app: TestApp, partner: string, url: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  const r = await app.gql(partner, `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } secret } }`, { i: { url, eventTypes } });
  if (!r.body.data?.createWebhookEndpoint) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(r.body.errors)}`);
  return { id: r.body.data.createWebhookEndpoint.endpoint.id, secret: r.body.data.createWebhookEndpoint.secret };
}

/** The jobcenter refers the person to the VHS for an integration course (a legal basis on both sides). */
export async function referToVhs(app: TestApp, personId: string, sender = 'jobcenter-steinfurt'): Promise<string> {
  const r = await app.gql(sender, `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id status } }`, {
    i: { personId, receiver: 'vhs-rheine', purpose: 'integration_course_referral', referralType: 'integration_course', send: true },
  });
  if (!r.body.data?.createReferral) throw new Error(`createReferral failed: ${JSON.stringify(r.body.errors)}`);
  return r.body.data.createReferral.id;
}

export const DELIVERY_FIELDS = 'id endpointId eventType eventId referralId status attemptCount nextAttemptAt cancelReason attempts { at statusCode latencyMs error }';

export async function deliveries(app: TestApp, partner: string, filter: Record<string, unknown> = {}): Promise<any[]> {
  const r = await app.gql(partner, `query($f: WebhookDeliveryFilter) { webhookDeliveries(filter: $f, first: 10) { edges { node { ${DELIVERY_FIELDS} } } } }`, { f: filter });
  if (!r.body.data) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.webhookDeliveries.edges.map((e: any) => e.node);
}

/** Waits (bounded) until the endpoint has a delivery in one of `statuses`; returns it. */
export function deliveryIn(app: TestApp, partner: string, endpointId: string, statuses: string[], timeoutMs = 15000): Promise<any> {
  return eventually(async () => (await deliveries(app, partner, { endpointId })).find((d) => statuses.includes(d.status)), timeoutMs);
}

/** Waits (bounded) until the webhooks queue has nothing waiting, delayed or running. */
export async function queueIdle(app: TestApp, timeoutMs = 15000): Promise<void> {
  await eventually(async () => {
    const c = await app.container.webhooks.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, timeoutMs);
}
