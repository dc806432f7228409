import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferral } from '../factories';
import { FAST_WEBHOOKS, personReferredToVhsAt } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { adminSession, countOf, requireBuild, WorkerProcesses } from './support/worker.process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every outbox row acknowledged: the workers have handled all events so far. */
const UNACKED = ['city', 'jobcenter', 'courses', 'hub']
  .map((s) => `SELECT count(*)::int AS n FROM ${s}.outbox WHERE acked_at IS NULL`)
  .join(' UNION ALL ');

/**
 * F7 (b): a `lotse worker` is paused with SIGSTOP in the middle of an event job, longer than the
 * job's lock (WORKER_LOCK_MS, 2 s here). A second worker takes the job over as stalled and runs it
 * again; then the first is continued and finishes its own, stale run. However the two runs
 * interleave, the event has exactly one effect: one biography entry, one inbox entry per partner,
 * one webhook delivery, one webhook-id at the receiver.
 */
describe('F7 a worker paused (SIGSTOP) longer than its job lock', () => {
  let dir: string;
  let redis: RedisHandle;
  let app: TestApp;
  let receiver: Receiver;
  let workers: WorkerProcesses;
  let admin: Client;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f7b-'));
    redis = await startRedisServer(dir, () => undefined);
    app = await startTestApp({ workers: false, redisUrl: redis.url, env: FAST_WEBHOOKS });
    receiver = await startReceiver();
    workers = new WorkerProcesses(app, redis.url, { ...FAST_WEBHOOKS, WORKER_LOCK_MS: '2000' });
    admin = await adminSession(app);
  });
  afterAll(async () => {
    await workers?.killAll();
    await receiver?.close();
    await admin?.end();
    await app?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the stalled job is taken over, and the event has exactly one effect', async () => {
    const personId = await personReferredToVhsAt(app, receiver.url);
    const first = await workers.start();
    await eventually(async () => (await admin.query(UNACKED)).rows.every((r) => r.n === 0), 20_000);

    // Inserts into the biography wait for this session: the first worker's job stops right there.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE hub.biography_entry IN SHARE MODE');
    // A draft: one event, whose biography entry is written outside any transaction of the handler.
    const referral = await createReferral(app, 'jobcenter-steinfurt', { personId, send: false });
    const [{ id: eventId }] = (await admin.query('SELECT id FROM hub.outbox WHERE aggregate_id = $1', [referral.id]))
      .rows;
    const job = () => app.container.queues.events.getJob(eventId);
    // Taken by the first worker, which cannot finish it while the lock is held.
    await eventually(async () => (await (await job())?.getState()) === 'active', 20_000, 20);
    await sleep(500);

    first.child.kill('SIGSTOP');
    const pausedAt = Date.now();
    // Its insert may now run in PostgreSQL; the paused worker hears of it only when continued.
    await admin.query('COMMIT');
    await workers.start();
    // Taken over once the paused worker's lock ran out: the job starts a second time.
    await eventually(async () => (await job())?.attemptsStarted === 2, 20_000, 20);
    const takenOverMs = Date.now() - pausedAt;
    // Continued, the paused run goes on (whatever of it the second run waits for is released
    // then), finds out it lost the job's lock, and the worker lives on.
    first.child.kill('SIGCONT');
    await eventually(async () => (await (await job())?.getState()) === 'completed', 30_000, 20);
    await first.waitForLine('could not renew lock', 20_000);
    await sleep(1500); // the rest of the stale run: milliseconds
    expect(first.running).toBe(true);
    expect((await job())!.attemptsStarted).toBe(2);

    const n = (sql: string) => countOf(admin, sql, [eventId]);
    expect(await n('SELECT count(*)::int AS n FROM hub.biography_entry WHERE event_id = $1')).toBe(1);
    expect(await n('SELECT count(*)::int AS n FROM hub.outbox WHERE id = $1 AND acked_at IS NOT NULL')).toBe(1);
    console.log(
      `F7b: stalled job taken over ${takenOverMs} ms after the pause (lock 2 s, includes starting the second worker)`,
    );

    // Both workers go on: a sent referral is handled once and its webhook arrives once.
    const sent = await createReferral(app, 'jobcenter-steinfurt', { personId });
    await eventually(async () => receiver.received.length >= 1, 20_000);
    await new Promise((r) => setTimeout(r, 1000)); // a second delivery, were there one, would arrive now
    const deliveries = (
      await admin.query('SELECT id, status FROM hub.webhook_delivery WHERE referral_id = $1', [sent.id])
    ).rows;
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded']);
    expect(receiver.received.map((r) => r.id)).toEqual([deliveries[0].id]);
  });
});
