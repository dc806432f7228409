import calculateSlot from 'cluster-key-slot';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, createWebhookEndpoint, registerPersonViaApi } from '../factories';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { asSuperuser } from '../helpers/superuser';
import { keyPatterns, queueKeyPrefix } from '../../src/shared/redis.keys';
import { keysOf, OwnRedisServers } from './support/redis-servers';

/** The hash tag of a key, as Redis Cluster reads it (the first `{…}` with something inside), or null. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : null;
}

/**
 * Redis-Cluster-safe keys (src/shared/redis.keys.ts). The hub runs against a redis-server in
 * cluster mode that holds every slot: it refuses, as a real cluster does, any command, MULTI or
 * Lua script whose keys lie in different slots (CROSSSLOT). A workload that goes through every
 * kind of key (queues and their scripts, rate limits, webhook endpoint slots) must work there, and
 * afterwards every key under the prefix carries a hash tag, the queues' all the same one.
 */
describe('Redis keys are safe under Redis Cluster', () => {
  let servers: OwnRedisServers;
  let url: string;
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    servers = new OwnRedisServers();
    url = await servers.clusterNode();
    app = await startTestApp({ workers: true, redisUrl: url, env: { ...FAST_WEBHOOKS } });
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
    await servers?.stop();
  });

  it('queues, rate limits and endpoint slots work on a cluster node; keys used together share a slot', async () => {
    await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url });
    const personId = await registerPersonViaApi(app, 'rheine-social');
    const referral = await createReferralViaApi(app, 'jobcenter-steinfurt', { personId });

    // The webhook went through the queue and the endpoint's slot scripts; the events through the
    // events queue into the biography.
    await eventually(async () => receiver.received.length >= 1, 20_000, 50);
    expect(JSON.parse(receiver.received[0].body).data.referralId).toBe(referral.id);
    await eventually(
      () =>
        asSuperuser(app.db.url, async (c) => {
          const { rows } = await c.query('SELECT count(*)::int AS n FROM hub.biography_entry WHERE person_id = $1', [
            personId,
          ]);
          return rows[0].n >= 2;
        }),
      20_000,
      100,
    );
    const { events, webhooks } = app.container.queues;
    for (const q of [events, webhooks]) expect(await q.getJobCounts('failed')).toEqual({ failed: 0 });

    const keys = await keysOf(url, keyPatterns(app.queuePrefix));
    const queueKeys = keys.filter((k) => k.startsWith(`${queueKeyPrefix(app.queuePrefix)}:`));
    const rateKeys = keys.filter((k) => k.startsWith(`${app.queuePrefix}:ratelimit:`));
    // Rate limits fail open on a Redis error: their counters prove the script ran.
    expect(rateKeys.length).toBeGreaterThanOrEqual(2);
    expect(queueKeys.length).toBeGreaterThan(5);

    // Every key has a tag; the queues' one tag is the deployment's prefix.
    expect(keys.filter((k) => hashTag(k) === null)).toEqual([]);
    expect(new Set(queueKeys.map(calculateSlot))).toEqual(new Set([calculateSlot(`{${app.queuePrefix}}`)]));
    // A partner's two counters of one window share a slot.
    const byCounter = new Map<string, Set<number>>();
    for (const k of rateKeys) {
      const group = k.replace(/:(ops|cost):/, ':*:');
      byCounter.set(group, (byCounter.get(group) ?? new Set()).add(calculateSlot(k)));
    }
    expect([...byCounter.values()].map((s) => s.size)).toEqual([...byCounter.values()].map(() => 1));
  }, 60_000);
});
