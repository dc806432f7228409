import { Client } from 'pg';
import { createWebhookEndpoint } from '../factories';
import { check, readStore } from './history/history.checker';
import { FaultRotation } from './history/history.faults';
import { startTopology, Topology } from './history/history.topology';
import { Traffic } from './history/history.traffic';

/**
 * F9: a history run. Clients send mixed mutations (each with an Idempotency-Key, retried with it)
 * and queries for LOTSE_HISTORY_SECONDS (default 180) while faults rotate: a worker process
 * killed with SIGKILL and replaced, Redis killed and restarted from its AOF or without any files,
 * PostgreSQL stopped and started. Then the faults stop, mutations still in doubt are sent again
 * with their keys, the hub drains, and a checker compares the history with the biographies, the
 * partners' inboxes and what the webhook receivers saw (history/history.checker.ts).
 */
const SECONDS = Number(process.env.LOTSE_HISTORY_SECONDS ?? 180);
const FAULT_EVERY_MS = Math.min(20_000, Math.max(5_000, (SECONDS * 1000) / 7));
// A claim left by a request that PostgreSQL's stop cut off is taken over after 60 s (idempotency.store.ts).
const RESOLVE_MS = 70_000;
// The backlog drains at the workers' pace, which on two cores shared with the traffic's load can
// trail the traffic by thousands of events: waited for while it shrinks, given up when it stops.
const DRAIN_MS = 150_000;
const STALL_MS = 20_000;

describe('F9 history run with rotating faults', () => {
  let t: Topology;
  const log = (line: string) => process.stdout.write(`[history] ${line}\n`);

  beforeAll(async () => {
    t = await startTopology(2);
    const gql = async (partner: string | null, query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${t.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(partner!)}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    await createWebhookEndpoint({ gql }, 'vhs-rheine', {
      url: t.receivers.vhs.url,
      eventTypes: ['referral.requested', 'referral.cancelled'],
    });
    await createWebhookEndpoint({ gql }, 'jobcenter-steinfurt', {
      url: t.receivers.jobcenter.url,
      eventTypes: ['referral.accepted', 'referral.rejected', 'referral.in_progress', 'referral.completed'],
    });
  }, 180_000);
  afterAll(async () => {
    await t?.stop();
  }, 60_000);

  /** Work still open: unacknowledged events, pending deliveries, jobs the queues have to do. */
  const openWork = async (): Promise<number> => {
    const db = new Client({ connectionString: t.databaseUrl, connectionTimeoutMillis: 5000 });
    await db.connect();
    let n: number;
    try {
      const open = await db.query(
        `SELECT (SELECT count(*) FROM city.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM hub.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM hub.webhook_delivery WHERE status = 'pending') AS n`,
      );
      n = Number(open.rows[0].n);
    } finally {
      await db.end();
    }
    const { events, webhooks } = t.container.queues;
    for (const q of [events, webhooks]) {
      const c = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      n += Object.values(c).reduce((a, b) => a + b, 0);
    }
    return n;
  };

  /**
   * Waits until no work is open. Gives up when the open work has not shrunk for STALL_MS (the hub
   * stopped working it off) or after DRAIN_MS in all. Returns whether it drained, and the open
   * work at the start.
   */
  const drain = async (): Promise<{ drained: boolean; atStart: number }> => {
    const start = Date.now();
    let least = Infinity;
    let atStart = -1;
    let progressAt = start;
    for (;;) {
      const n = await openWork().catch(() => Infinity);
      if (atStart === -1 && Number.isFinite(n)) atStart = n;
      if (n === 0) return { drained: true, atStart };
      if (n < least) [least, progressAt] = [n, Date.now()];
      if (Date.now() - progressAt > STALL_MS || Date.now() - start > DRAIN_MS) return { drained: false, atStart };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** Every notification of `partner`, page by page (bounded). */
  const inbox = async (partner: string) => {
    const out: Array<{ partner: string; type: string; eventId: string; referralId: string | null }> = [];
    let after: string | null = null;
    for (let page = 0; page < 500; page++) {
      const res = await fetch(`${t.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(partner)}` },
        body: JSON.stringify({
          query: `query($after: String) { notifications(first: 100, after: $after) {
            edges { node { type eventId referral { id } } } pageInfo { hasNextPage endCursor } } }`,
          variables: { after },
        }),
      });
      const body = (await res.json()) as any;
      if (!body.data) throw new Error(`notifications of ${partner}: ${JSON.stringify(body.errors)}`);
      const c = body.data.notifications;
      for (const e of c.edges)
        out.push({ partner, type: e.node.type, eventId: e.node.eventId, referralId: e.node.referral?.id ?? null });
      if (!c.pageInfo.hasNextPage) return out;
      after = c.pageInfo.endCursor;
    }
    throw new Error(`notifications of ${partner}: more than 500 pages`);
  };

  it(
    'every acknowledged mutation has its effects exactly once: biographies, inboxes and webhooks',
    async () => {
      const started = Date.now();
      const runId = String(started % 1_000_000);
      const traffic = new Traffic(
        { url: t.server.url, token: (p) => t.token(p) },
        { clients: 4, budgetMs: 30_000, runId },
      );
      const faults = new FaultRotation(t, {
        firstAfterMs: Math.min(10_000, FAULT_EVERY_MS),
        everyMs: FAULT_EVERY_MS,
        // A short local run (40 s) still gets to its PostgreSQL restart.
        untilMs: SECONDS * 1000 - Math.min(10_000, SECONDS * 125),
        log,
      });
      const running = traffic.run();
      const rotating = faults.run(started);
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      traffic.stop();
      faults.stop();
      await rotating;
      await running;
      const trafficEnded = Date.now();

      // Settle what is in doubt with the same keys, then let the hub finish its work.
      const doubted = traffic.history.mutations.filter((m) => m.outcome === 'in_doubt').length;
      await traffic.resolve(Date.now() + RESOLVE_MS);
      const resolved = Date.now();
      // Bounded; what did not drain shows below as events never acknowledged or deliveries pending.
      const { drained: isDrained, atStart: openAtStart } = await drain();
      const drainMs = Date.now() - resolved;

      const store = await readStore(t.databaseUrl);
      const notifications = [...(await inbox('vhs-rheine')), ...(await inbox('jobcenter-steinfurt'))];
      const webhooks = {
        'vhs-rheine': t.receivers.vhs.received,
        'jobcenter-steinfurt': t.receivers.jobcenter.received,
      };
      const verdict = check(traffic.history, { ...store, notifications, webhooks });

      // API availability around each fault: the longest pause between two acknowledged mutations.
      const acks = traffic.history.mutations
        .map((m) => m.ackedAt)
        .filter((a): a is number => a !== undefined)
        .sort((a, b) => a - b);
      // From the fault's start to the next fault (or the end of traffic).
      const gapAfter = (i: number) => {
        const from = started + faults.timeline[i].at;
        const to = i + 1 < faults.timeline.length ? started + faults.timeline[i + 1].at : trafficEnded;
        let gap = 0;
        let last = from;
        for (const a of acks) {
          if (a < from) continue;
          if (a > to) break;
          gap = Math.max(gap, a - last);
          last = a;
        }
        return gap;
      };
      const transient: Record<string, number> = {};
      for (const m of traffic.history.mutations)
        for (const [k, n] of Object.entries(m.transient)) transient[k] = (transient[k] ?? 0) + n;
      log(
        `traffic ${SECONDS} s, ${traffic.history.mutations.length} mutations ${JSON.stringify(verdict.counts.mutations)}`,
      );
      log(`queries ${JSON.stringify(traffic.history.queries)}; transient answers retried ${JSON.stringify(transient)}`);
      log(`in doubt at the end of traffic ${doubted}, settled within ${resolved - trafficEnded} ms`);
      faults.timeline.forEach((f, i) =>
        log(
          `fault t=${(f.at / 1000).toFixed(1)}s ${f.kind}: ${f.detail}; took ${f.tookMs} ms; longest pause between acknowledged mutations ${gapAfter(i)} ms${f.error ? `; FAILED ${f.error}` : ''}`,
        ),
      );
      log(
        `events ${store.outboxTotal}, biography ${verdict.counts.biography}, notifications ${verdict.counts.notifications}, ` +
          `webhook ids ${verdict.counts.webhookIds} in ${verdict.counts.webhookRequests} requests, ` +
          `received per id ${JSON.stringify(verdict.counts.receivedPerId)}, resent with send-time state ` +
          `${verdict.counts.sendTimeResends}, arrived then cancelled ${verdict.counts.arrivedThenCancelled}, deliveries ${JSON.stringify(verdict.counts.deliveries)}, ` +
          `expected effects ${verdict.counts.expectedEffects}`,
      );
      log(
        `drain of ${openAtStart} open items ${isDrained ? '' : 'NOT DONE after '}${drainMs} ms; worker processes started ${t.allWorkers.length}`,
      );
      if (verdict.problems.length) log(`problems:\n  ${verdict.problems.slice(0, 50).join('\n  ')}`);

      expect(faults.timeline.filter((f) => f.error)).toEqual([]);
      expect(verdict.counts.mutations.acked).toBeGreaterThan(0);
      expect(verdict.problems).toEqual([]);
      expect(isDrained).toBe(true);
    },
    (SECONDS + 30) * 1000 + RESOLVE_MS + DRAIN_MS + 30_000,
  );
});
