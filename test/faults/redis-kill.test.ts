import { eventually, startTestApp, TestApp } from '../helpers/app';
import { FAST_WEBHOOKS, personReferredToVhsAt, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { OwnRedis } from './support/own-redis';

/**
 * F3: Redis (AOF on, fsync on every write) is killed with SIGKILL while events and deliveries wait
 * in its queues, and started again on the same port and directory. It replays its AOF; the app's
 * workers reconnect by themselves. What was queued before the kill is still there with its original
 * timestamp (nothing re-added it), and every webhook arrives, none twice with different bodies.
 */
describe('F3 Redis killed and restarted (AOF on)', () => {
  let redis: OwnRedis;
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    redis = await OwnRedis.start({ aof: true });
    app = await startTestApp({
      workers: true,
      redisUrl: redis.url,
      env: { ...FAST_WEBHOOKS, OUTBOX_REDELIVER_AFTER_MS: '86400000', WEBHOOK_RESYNC_SECONDS: '86400' },
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
    await redis?.stop();
  });

  it('every webhook arrives once per id, and the same workers carry on after the restart', async () => {
    const personId = await personReferredToVhsAt(app, receiver.url);
    const workers = app.workers!;
    const { queues } = app.container;
    const waiting = async (q: typeof queues.events | typeof queues.webhooks) => (await q.getJobCounts('wait')).wait;
    const referrals: string[] = [];
    // Jobs that only Redis holds when it dies: 10 deliveries (their worker paused), then 10 events
    // (theirs paused too; the relay marked them published in PostgreSQL).
    await workers.webhooks.worker.pause();
    for (let i = 0; i < 10; i++) referrals.push(await referToVhs(app, personId));
    await eventually(async () => (await waiting(queues.webhooks)) === 10, 20_000);
    const events = workers.workers.find((w) => w.name === queues.events.name)!;
    await events.pause();
    for (let i = 0; i < 10; i++) referrals.push(await referToVhs(app, personId));
    // Each referral raises more than one event; once the relay finds nothing left to publish, all are in Redis.
    await eventually(
      async () => (await app.container.relay.tick()) === 0 && (await waiting(queues.events)) >= 10,
      20_000,
    );
    expect(receiver.received).toHaveLength(0);
    // What Redis holds now; the relay and the webhook re-sync would re-add lost jobs after the
    // restart (with a new timestamp), so a job that keeps its timestamp was kept by the AOF.
    const queued: Array<{ q: typeof queues.events | typeof queues.webhooks; id: string; timestamp: number }> = [];
    for (const q of [queues.events, queues.webhooks])
      for (const job of await q.getJobs(['wait'])) queued.push({ q, id: job.id!, timestamp: job.timestamp });
    expect(queued.length).toBeGreaterThanOrEqual(20);

    await redis.kill();
    await redis.start();
    // Both workers are still paused: every job is back from the AOF, none re-added.
    const kept = () =>
      Promise.all(queued.map(async ({ q, id }) => ({ id, timestamp: (await q.getJob(id))?.timestamp })));
    await eventually(async () => (await kept()).every((j) => j.timestamp !== undefined), 10_000);
    expect(await kept()).toEqual(queued.map(({ id, timestamp }) => ({ id, timestamp })));
    // The same worker objects go on; their connections find the restarted Redis by themselves.
    await events.resume();
    await workers.webhooks.worker.resume();
    for (let i = 0; i < 10; i++) referrals.push(await referToVhs(app, personId));

    const referralIds = () => new Set(receiver.received.map((r) => JSON.parse(r.body).data.referralId));
    await eventually(async () => referrals.every((id) => referralIds().has(id)), 40_000);
    // One webhook-id per referral; a resend after the kill carries the same body.
    const bodies = new Map<string, Set<string>>();
    for (const r of receiver.received) bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
    expect(bodies.size).toBe(referrals.length);
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    expect([...referralIds()].sort()).toEqual([...referrals].sort());
    // Nobody restarted the workers: the same ones delivered what was queued before and after the kill.
    expect(app.workers).toBe(workers);
    expect(workers.workers.every((w) => w.isRunning())).toBe(true);
  });
});
