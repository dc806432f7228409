import Redis from 'ioredis';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { createWebhookEndpoint, RHEINE_ADDRESS, registerPerson, registerPersonViaApi } from '../factories';
import { FAST_WEBHOOKS, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { ruleJobId } from '../../src/rules/rules.scheduler';
import {
  ENTITLEMENT_LAPSE_SCHEDULER_ID,
  INDICATOR_FACTS_SCHEDULER_ID,
  RETENTION_SCHEDULER_ID,
} from '../../workers/retention.worker';
import { AUDIT_CHECKPOINT_SCHEDULER_ID } from '../../workers/audit-checkpoint.worker';
import { OwnRedis } from './support/own-redis';

const OUTBOXES = ['city', 'jobcenter', 'courses', 'hub'] as const;

/**
 * F4: Redis (no persistence) is killed while events, deliveries, deadline timers, a rule check's
 * timer and the maintenance schedules live only in it, and an empty one starts on the same port.
 * Nothing is restarted: the relay publishes the unacknowledged events again
 * (OUTBOX_REDELIVER_AFTER_MS, 2 s here), and the workers' re-syncs run as soon as the app's Redis
 * connection is back. The periodic re-syncs are pushed out of the test's window (a day), so what
 * re-creates the rest is the reconnect, as it would be with production intervals.
 */
describe('F4 Redis restarted empty', () => {
  let redis: OwnRedis;
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    redis = await OwnRedis.start({ aof: false });
    app = await startTestApp({
      workers: true,
      redisUrl: redis.url,
      env: {
        ...FAST_WEBHOOKS,
        OUTBOX_REDELIVER_AFTER_MS: '2000',
        WEBHOOK_RESYNC_SECONDS: '86400',
        SLA_RESYNC_SECONDS: '86400',
      },
    });
    receiver = await startReceiver();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
    await redis?.stop();
  });

  const query = (sql: string, params: unknown[] = []): Promise<any[]> =>
    asHub(app, () => app.container.subgraphs.hub.dataSource.query(sql, params));
  const unacked = async () => {
    let n = 0;
    for (const s of OUTBOXES) {
      const ds = app.container.subgraphs[s].dataSource;
      const sql = `SELECT count(*)::int AS n FROM "${s}".outbox WHERE acked_at IS NULL`;
      n += (await asHub(app, () => ds.query(sql)))[0].n;
    }
    return n;
  };
  const openDeadlines = (): Promise<Array<{ referral_id: string; kind: string }>> =>
    query(
      `SELECT referral_id, kind FROM hub.referral_deadline WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL`,
    );

  const pendingChecks = (): Promise<Array<{ rule: string; person_id: string }>> =>
    query(`SELECT rule, person_id FROM hub.rule_check WHERE done_at IS NULL`);

  it('every event and webhook arrives once per id; deadline and rule timers and the schedules come back, nothing restarted', async () => {
    const { queues } = app.container;
    const workers = app.workers!;
    const personId = (
      await registerPerson(app, 'rheine-social', {
        givenName: 'Leyla',
        familyName: 'Ahmadi',
        birthDate: '1991-06-14',
        address: RHEINE_ADDRESS,
      })
    ).id;
    await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url, eventTypes: ['referral.requested'] });
    // A new family registered by the immigration office: a pending follow-up check (rule
    // new_arrival, due in 61 days) with its delayed timer.
    const arrived = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Sadeghi', newHousehold: true });
    await eventually(async () => (await queues.rules.getJobState(ruleJobId('new_arrival', arrived))) === 'delayed');

    const waiting = async (q: typeof queues.events | typeof queues.webhooks) => (await q.getJobCounts('wait')).wait;
    const referrals: string[] = [];
    // Deliveries that only Redis holds (their worker paused): 5 referrals, their events handled,
    // their deadlines' timers set.
    await workers.webhooks.worker.pause();
    for (let i = 0; i < 5; i++) referrals.push(await referToVhs(app, personId));
    await eventually(async () => (await waiting(queues.webhooks)) === 5, 20_000);
    // Events that only Redis holds (their worker paused; the relay marked them published): 5 more.
    const events = workers.workers.find((w) => w.name === queues.events.name)!;
    await events.pause();
    for (let i = 0; i < 5; i++) referrals.push(await referToVhs(app, personId));
    await eventually(async () => (await app.container.relay.tick()) === 0 && (await waiting(queues.events)) >= 5);
    expect(await unacked()).toBeGreaterThanOrEqual(5);
    expect(receiver.received).toHaveLength(0);
    const deadlinesBefore = await openDeadlines();
    // 3 per referral to the VHS (and the arrival counselling referral's).
    expect(deadlinesBefore.length).toBeGreaterThanOrEqual(15);
    expect((await queues.sla.getJobCounts('delayed')).delayed).toBe(deadlinesBefore.length);
    // The family's follow-up, and the one of the person the team registered itself.
    const checksBefore = await pendingChecks();
    expect(checksBefore.map((c) => c.person_id)).toContain(arrived);
    expect((await queues.rules.getJobCounts('delayed')).delayed).toBe(checksBefore.length);
    const schedulerIds = async () => (await queues.maintenance.getJobSchedulers()).map((s) => s.key).sort();
    const allSchedulers = [
      AUDIT_CHECKPOINT_SCHEDULER_ID,
      ENTITLEMENT_LAPSE_SCHEDULER_ID,
      INDICATOR_FACTS_SCHEDULER_ID,
      RETENTION_SCHEDULER_ID,
    ].sort();
    expect(await schedulerIds()).toEqual(allSchedulers);

    const marker = async () => {
      const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        return await c.get('f4:marker');
      } finally {
        c.disconnect();
      }
    };
    await app.container.redis.set('f4:marker', 'before');
    expect(await marker()).toBe('before');
    // BullMQ prints a queue's connection errors to the console unless the queue has a listener.
    const consoleError = jest.spyOn(console, 'error');
    await redis.kill();
    // Down for a second: the app's connections fail and retry meanwhile.
    await new Promise((r) => setTimeout(r, 1000));
    await redis.start();
    const back = Date.now();
    // A fresh Redis: the marker set before the kill is gone (the app may have written again already).
    expect(await marker()).toBeNull();
    await events.resume();
    await workers.webhooks.worker.resume();

    // Each part's recovery, in ms from the moment the empty Redis answered.
    const recovered: Record<string, number> = {};
    const parts: Record<string, () => Promise<boolean>> = {
      events: async () => (await unacked()) === 0,
      webhooks: async () =>
        new Set(receiver.received.map((r) => JSON.parse(r.body).data.referralId)).size === referrals.length,
      slaTimers: async () => {
        const open = await openDeadlines();
        const states = await Promise.all(open.map((d) => queues.sla.getJobState(`${d.referral_id}.${d.kind}`)));
        return open.length === deadlinesBefore.length + 15 && states.every((s) => s === 'delayed');
      },
      ruleChecks: async () => {
        const pending = await pendingChecks();
        const states = await Promise.all(pending.map((c) => queues.rules.getJobState(ruleJobId(c.rule, c.person_id))));
        return pending.length === checksBefore.length && states.every((s) => s === 'delayed');
      },
      schedulers: async () => (await schedulerIds()).join() === allSchedulers.join(),
    };
    await eventually(async () => {
      for (const [name, done] of Object.entries(parts))
        if (recovered[name] === undefined && (await done())) recovered[name] = Date.now() - back;
      return Object.keys(recovered).length === Object.keys(parts).length;
    }, 30_000).catch(() => undefined);
    // Names what did not come back.
    expect(Object.keys(recovered).sort()).toEqual(Object.keys(parts).sort());
    // Reported for docs/operations.md (recovery after Redis restarted empty).
    console.log(`F4 recovery after the empty Redis answered (ms): ${JSON.stringify(recovered)}`);

    // Exactly once per id: one webhook per referral, each webhook-id once, every delivery done.
    const referralIds = receiver.received.map((r) => JSON.parse(r.body).data.referralId);
    expect(referralIds.sort()).toEqual([...referrals].sort());
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(referrals.length);
    // The receiver's answer is recorded right after it arrived.
    const deliveries = await eventually(async () => {
      const rows = await query(`SELECT status, attempt_count FROM hub.webhook_delivery`);
      return rows.every((d) => d.status === 'succeeded') ? rows : undefined;
    });
    expect(deliveries).toHaveLength(referrals.length);
    expect(deliveries.every((d) => d.attempt_count === 1)).toBe(true);
    // Every event was handled once: no biography entry twice, one set of deadlines per referral.
    expect(await query(`SELECT event_id FROM hub.biography_entry GROUP BY event_id HAVING count(*) > 1`)).toEqual([]);
    const perReferral = await query(
      `SELECT referral_id, count(*)::int AS n FROM hub.referral_deadline WHERE referral_id = ANY($1) GROUP BY referral_id`,
      [referrals],
    );
    expect(perReferral.map((r) => r.n)).toEqual(referrals.map(() => 3));
    // One timer per open deadline and per pending check, nothing else.
    const timers = async (q: typeof queues.sla | typeof queues.rules) => q.getJobCounts('delayed', 'wait', 'active');
    expect(await timers(queues.sla)).toEqual({ delayed: deadlinesBefore.length + 15, wait: 0, active: 0 });
    expect(await timers(queues.rules)).toEqual({ delayed: checksBefore.length, wait: 0, active: 0 });
    // The schedules as configured: retention at 03:15 Berlin time, a checkpoint every hour, the lapse sweep at 03:45.
    const [checkpoint, lapse, facts, retention] = await queues.maintenance
      .getJobSchedulers(0, -1, true)
      .then((s) => [...s].sort((a, b) => a.key.localeCompare(b.key)));
    expect(checkpoint).toMatchObject({ key: AUDIT_CHECKPOINT_SCHEDULER_ID, every: 3_600_000 });
    expect(retention).toMatchObject({ key: RETENTION_SCHEDULER_ID, pattern: '15 3 * * *', tz: 'Europe/Berlin' });
    expect(lapse).toMatchObject({ key: ENTITLEMENT_LAPSE_SCHEDULER_ID, pattern: '45 3 * * *', tz: 'Europe/Berlin' });
    expect(facts).toMatchObject({ key: INDICATOR_FACTS_SCHEDULER_ID, pattern: '15 4 * * *', tz: 'Europe/Berlin' });
    // The outage was logged by the app's listeners, not printed.
    const printed = consoleError.mock.calls.filter((args) => /ECONN|Connection is closed/.test(String(args[0])));
    expect(printed).toEqual([]);
    // Nobody restarted the workers.
    expect(app.workers).toBe(workers);
    expect(workers.workers.every((w) => w.isRunning())).toBe(true);
  });
});
