import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferral, createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { requireBuild, WorkerProcesses } from './support/worker.process';

const REFERRALS = 1000;

/**
 * F2: a `lotse worker` is killed with SIGKILL while it delivers the webhooks of 1,000 referrals,
 * when about a third have arrived; a new worker is started and drains the rest. Nothing is lost
 * (every referral's webhook arrives) and a webhook sent twice (its attempt was cut by the kill)
 * carries the same webhook-id and the same body. Redis is the test's own.
 */
describe('F2 worker killed (SIGKILL) during 1,000 referral deliveries', () => {
  let dir: string;
  let redis: RedisHandle;
  let app: TestApp;
  let receiver: Receiver;
  let workers: WorkerProcesses;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f2-'));
    redis = await startRedisServer(dir, () => undefined);
    app = await startTestApp({ workers: false, redisUrl: redis.url, env: { ...FAST_WEBHOOKS, DB_POOL_SIZE: '8' } });
    receiver = await startReceiver();
    // A dead worker's jobs are taken over after 5 s (events and webhooks alike).
    workers = new WorkerProcesses(app, redis.url, {
      ...FAST_WEBHOOKS,
      WORKER_LOCK_MS: '5000',
      WEBHOOK_LOCK_DURATION_MS: '5000',
      WEBHOOK_RESYNC_SECONDS: '5',
      WEBHOOK_CONCURRENCY: '32',
      WEBHOOK_ENDPOINT_CONCURRENCY: '32',
    });
  });
  afterAll(async () => {
    await workers?.killAll();
    await receiver?.close();
    await app?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every webhook arrives; one sent twice has the same webhook-id and body', async () => {
    const personIds: string[] = [];
    for (let i = 0; i < 10; i++)
      personIds.push(
        (
          await registerPerson(app, 'rheine-social', {
            givenName: 'Omid',
            familyName: `Karimi${i}`,
            birthDate: '1994-03-02',
            address: RHEINE_ADDRESS,
          })
        ).id,
      );
    await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url, eventTypes: ['referral.requested'] });
    // Through the service (outbox and all), in parallel batches; no relay runs yet.
    const referrals: string[] = [];
    const createdFrom = Date.now();
    for (let i = 0; i < REFERRALS; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) =>
        createReferral(app, 'jobcenter-steinfurt', { personId: personIds[(i + j) % personIds.length] }),
      );
      referrals.push(...(await Promise.all(batch)).map((r) => r.id));
    }
    const createMs = Date.now() - createdFrom;

    const first = await workers.start();
    const startedAt = Date.now();
    await eventually(async () => receiver.received.length >= REFERRALS / 3, 120_000, 20);
    await first.stop('SIGKILL', 5000);
    const killedAt = Date.now();
    const atKill = receiver.received.length;

    await workers.start();
    const restartedAt = Date.now();
    const referralIds = () => new Set(receiver.received.map((r) => JSON.parse(r.body).data.referralId as string));
    await eventually(async () => referralIds().size >= REFERRALS, 120_000, 100);
    const drainMs = Date.now() - restartedAt;
    const fromKillMs = Date.now() - killedAt;
    await new Promise((r) => setTimeout(r, 1000)); // late duplicates, were there any

    expect([...referralIds()].sort()).toEqual([...referrals].sort());
    const bodies = new Map<string, Set<string>>();
    for (const r of receiver.received) bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
    // One webhook-id per referral, each with one body however often it was sent.
    expect(bodies.size).toBe(REFERRALS);
    expect([...bodies.values()].filter((b) => b.size !== 1)).toEqual([]);
    const duplicates = receiver.received.length - bodies.size;
    console.log(
      `F2: ${REFERRALS} referrals created in ${createMs} ms; killed after ${killedAt - startedAt} ms at ${atKill} arrived; ` +
        `restarted worker (up ${restartedAt - killedAt} ms after the kill) drained the rest in ${drainMs} ms (${fromKillMs} ms from the kill); ${duplicates} duplicate(s), same id and body`,
    );
  }, 240_000);
});
