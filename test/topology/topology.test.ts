import { Queue } from 'bullmq';
import type { Client as LiveClient } from 'graphql-ws';
import { Client } from 'pg';
import { eventually } from '../helpers/app';
import { createReferralViaApi, createWebhookEndpoint, registerPersonViaApi } from '../factories';
import { check, readStore } from '../faults/history/history.checker';
import { History, Traffic } from '../faults/history/history.traffic';
import { Collected, collect, liveClient } from '../subscriptions/live';
import { Received, Receiver, startReceiver } from '../webhooks/receiver';
import { createRedisConnection } from '../../src/shared/redis';
import { queueKeyPrefix } from '../../src/shared/redis.keys';
import { REDIS_URL } from '../setup/pg';
import { ProcessTopology, startProcessTopology } from './support/topology.processes';

/** Bounded traffic: the clients stop after this many mutations (or the time below). */
const MUTATIONS = 160;
const TRAFFIC_MS = 45_000;
const DRAIN_MS = 45_000;

/**
 * Many processes over one PostgreSQL and one Redis: the four subgraphs, two gateways and two
 * workers, each a process of the built program. Clients send mixed traffic (persons, consents and
 * their withdrawal, referrals and their steps, queries) through both gateways; webhooks go to
 * loopback receivers, live subscriptions are open on both gateways. Then, as the history run
 * checks it (test/faults/history): every acknowledged mutation has its effects exactly once
 * (biography entries, inbox notifications, webhook deliveries, each webhook-id received with one
 * body), every event is acknowledged, both workers took jobs, the subscribers on both gateways
 * got every referral request, and a partner deactivated through one gateway is refused by both.
 */
describe('topology: 2 gateways, 2 workers, 4 subgraphs as processes', () => {
  let t: ProcessTopology;
  let receivers: { vhs: Receiver; jobcenter: Receiver };
  const live: LiveClient[] = [];
  const log = (line: string) => process.stdout.write(`[topology] ${line}\n`);

  const clientOf = (url: string) => ({
    gql: async (partner: string | null, query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(partner!)}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
  });

  beforeAll(async () => {
    const started = Date.now();
    t = await startProcessTopology({ gateways: 2, workers: 2 });
    receivers = { vhs: await startReceiver(), jobcenter: await startReceiver() };
    log(`${t.all.length} processes up in ${Date.now() - started} ms`);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(live.map(async (c) => c.dispose()));
    await receivers?.vhs.close();
    await receivers?.jobcenter.close();
    await t?.stop();
  }, 60_000);

  /** Outbox acknowledged, no delivery pending, nothing waiting in the queues. */
  async function drained(): Promise<boolean> {
    const db = new Client({ connectionString: t.db.url });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM city.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM hub.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM courses.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM jobcenter.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM hub.webhook_delivery WHERE status = 'pending') AS n`,
      );
      if (Number(rows[0].n) > 0) return false;
    } finally {
      await db.end();
    }
    return withQueues(async (qs) => {
      for (const q of qs) {
        const c = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized');
        if (Object.values(c).some((n) => n > 0)) return false;
      }
      return true;
    });
  }

  /** The `events` and `webhooks` queues of the topology's prefix, for reading. */
  async function withQueues<T>(fn: (queues: Queue[]) => Promise<T>): Promise<T> {
    const connection = createRedisConnection(REDIS_URL);
    const prefix = queueKeyPrefix(t.queuePrefix);
    const queues = ['events', 'webhooks'].map((name) => new Queue(name, { connection, prefix }));
    try {
      return await fn(queues);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      connection.disconnect();
    }
  }

  /** Every notification of `partner`, page by page (bounded), through the first gateway. */
  async function inbox(partner: string) {
    const out: Array<{ partner: string; type: string; eventId: string; referralId: string | null }> = [];
    let after: string | null = null;
    for (let page = 0; page < 200; page++) {
      const { body } = await clientOf(t.gateways[0].url).gql(
        partner,
        `query($after: String) { notifications(first: 100, after: $after) {
          edges { node { type eventId referral { id } } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      if (!body.data) throw new Error(`notifications of ${partner}: ${JSON.stringify(body.errors)}`);
      const c = body.data.notifications;
      for (const { node } of c.edges)
        out.push({ partner, type: node.type, eventId: node.eventId, referralId: node.referral?.id ?? null });
      if (!c.pageInfo.hasNextPage) return out;
      after = c.pageInfo.endCursor;
    }
    throw new Error(`notifications of ${partner}: more than 200 pages`);
  }

  it('every effect once, both workers busy, live events on both gateways, a deactivation refused by both', async () => {
    const [a, b] = t.gateways.map((g) => clientOf(g.url));
    await createWebhookEndpoint(a, 'vhs-rheine', {
      url: receivers.vhs.url,
      eventTypes: ['referral.requested', 'referral.cancelled'],
    });
    await createWebhookEndpoint(b, 'jobcenter-steinfurt', {
      url: receivers.jobcenter.url,
      eventTypes: ['referral.accepted', 'referral.rejected', 'referral.in_progress', 'referral.completed'],
    });

    // The VHS listens on both gateways; a first referral shows both subscriptions are live.
    const subscribers: Collected[] = [];
    for (const g of t.gateways) {
      const client = liveClient(g.url, await t.token('vhs-rheine'));
      live.push(client);
      subscribers.push(collect(client, 'subscription { referralUpdated { type referral { id } } }'));
    }
    const warmUpPerson = await registerPersonViaApi(a, 'rheine-social', { familyName: 'WarmUp' });
    const warmUp = await createReferralViaApi(a, 'jobcenter-steinfurt', { personId: warmUpPerson });
    const hasRequest = (s: Collected, id: string) =>
      s.results.some(
        (r) => r.data?.referralUpdated?.type === 'referral.requested' && r.data.referralUpdated.referral?.id === id,
      );
    await eventually(async () => subscribers.every((s) => hasRequest(s, warmUp.id)), 30_000, 50);

    // Mixed traffic through both gateways, bounded in mutations and time.
    const started = Date.now();
    const runId = String(started % 1_000_000);
    const traffic = t.gateways.map(
      (g, i) =>
        new Traffic({ url: g.url, token: (p) => t.token(p) }, { clients: 3, budgetMs: 30_000, runId: `${runId}g${i}` }),
    );
    const running = Promise.all(traffic.map((tr) => tr.run()));
    const total = () => traffic.reduce((n, tr) => n + tr.history.mutations.length, 0);
    await eventually(async () => total() >= MUTATIONS, TRAFFIC_MS, 100).catch(() => undefined);
    traffic.forEach((tr) => tr.stop());
    await running;
    const trafficMs = Date.now() - started;

    const isDrained = await eventually(drained, DRAIN_MS, 250).catch(() => false);
    const history: History = {
      mutations: traffic.flatMap((tr) => tr.history.mutations),
      queries: {
        ok: traffic.reduce((n, tr) => n + tr.history.queries.ok, 0),
        failed: traffic.reduce((n, tr) => n + tr.history.queries.failed, 0),
      },
    };
    // The warm-up's effects belong to no mutation of the history: left out of the check.
    const raw = await readStore(t.db.url);
    const store = {
      ...raw,
      referrals: raw.referrals.filter((r) => r.id !== warmUp.id),
      biography: raw.biography.filter((e) => e.person_id !== warmUpPerson),
      deliveries: raw.deliveries.filter((d) => d.referral_id !== warmUp.id),
    };
    const notWarmUp = (r: Received) => JSON.parse(r.body).data?.referralId !== warmUp.id;
    const notifications = [...(await inbox('vhs-rheine')), ...(await inbox('jobcenter-steinfurt'))].filter(
      (n) => n.referralId !== warmUp.id,
    );
    const verdict = check(history, {
      ...store,
      notifications,
      webhooks: {
        'vhs-rheine': receivers.vhs.received.filter(notWarmUp),
        'jobcenter-steinfurt': receivers.jobcenter.received.filter(notWarmUp),
      },
    });

    // Which worker process ran the events (BullMQ keeps completed event jobs for an hour).
    const byWorker = await withQueues(async ([events]) => {
      const counts: Record<string, number> = {};
      for (const job of await events.getJobs(['completed'], 0, 20_000))
        counts[job.processedBy ?? '?'] = (counts[job.processedBy ?? '?'] ?? 0) + 1;
      return counts;
    });

    log(
      `traffic ${trafficMs} ms: ${history.mutations.length} mutations ${JSON.stringify(verdict.counts.mutations)}, ` +
        `queries ${JSON.stringify(history.queries)}; events ${store.outboxTotal}, biography ${verdict.counts.biography}, ` +
        `notifications ${verdict.counts.notifications}, webhook ids ${verdict.counts.webhookIds} in ${verdict.counts.webhookRequests} requests; ` +
        `event jobs per worker ${JSON.stringify(byWorker)}; drained ${isDrained}`,
    );
    if (verdict.problems.length) log(`problems:\n  ${verdict.problems.slice(0, 50).join('\n  ')}`);

    expect(isDrained).toBe(true);
    expect(verdict.counts.mutations.acked).toBeGreaterThan(50);
    expect(verdict.problems).toEqual([]);
    expect(store.unacked).toEqual({ city: 0, hub: 0, jobcenter: 0, courses: 0 });
    // Nothing was killed, so nothing ran twice: one completed event job per outbox row, one
    // request per webhook-id.
    expect(Object.values(byWorker).reduce((x, y) => x + y, 0)).toBe(raw.outboxTotal);
    expect(verdict.counts.receivedPerId).toEqual({ 1: verdict.counts.webhookIds });
    // Both worker processes took events (who took how many is up to the queue, not asserted).
    const workers = Object.keys(byWorker).filter((w) => w !== '?');
    expect(workers).toHaveLength(2);
    expect(Object.values(byWorker).every((n) => n > 0)).toBe(true);

    // Every acknowledged referral request reached the subscribers on both gateways.
    const requested = history.mutations.filter((m) => m.step === 'refer' && m.outcome === 'acked').map((m) => m.id!);
    expect(requested.length).toBeGreaterThan(5);
    await eventually(async () => subscribers.every((s) => requested.every((id) => hasRequest(s, id))), 10_000, 100);
    for (const s of subscribers) expect(s.errors).toEqual([]);

    // Deactivated through one gateway, refused by both on the next requests.
    const caritas = await t.token('caritas-rheine');
    const status = async (url: string) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${caritas}` },
        body: JSON.stringify({ query: '{ viewer { partner { slug } } }' }),
      });
      return { status: res.status, reason: res.headers.get('www-authenticate') ?? '' };
    };
    for (const g of t.gateways) expect((await status(g.url)).status).toBe(200);
    const off = await b.gql('rheine-it', 'mutation { deactivatePartner(slug: "caritas-rheine") { changed } }');
    expect(off.body.data.deactivatePartner).toEqual({ changed: true });
    const refused = await eventually(
      async () => {
        const got = await Promise.all(t.gateways.map((g) => status(g.url)));
        return got.every((s) => s.status === 401) ? got : undefined;
      },
      5000,
      20,
    );
    for (const r of refused) expect(r.reason).toMatch(/partner inactive/);
  }, 300_000);
});
