import autocannon from 'autocannon';
import { QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { LotseProcess, ROOT } from '../helpers/lotse-process';
import { createReferral, createWebhookEndpoint, RHEINE_ADDRESS, registerPerson } from '../factories';
import { startReceiver, Receiver } from '../webhooks/receiver';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { loadConfig } from '../../src/config';
import { loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { demoCityConfig } from '../../src/seed/demo-config';
import { freePort } from '../../src/runtime/free-port';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { queueKeyPrefix } from '../../src/shared/redis.keys';

const SECONDS = Number(process.env.LOTSE_LOAD_SECONDS ?? 60);
const CONNECTIONS = 20;
/** Persons of the backlog; each is referred to both course providers: twice as many webhooks. */
const BACKLOG_PERSONS = 150;
/** Pass: under 0.1 % of the requests fail; the heap after the load within this of its baseline. */
const DEMO_PARTNERS = demoCityConfig().partners;
const MAX_ERROR_RATE = 0.001;
const HEAP_MARGIN_BYTES = 20 * 1024 * 1024;
const RSS_MARGIN_BYTES = 100 * 1024 * 1024;

/** heap used and resident set of the child, from its /metrics (prom-client's default metrics). */
async function memory(url: string): Promise<{ heap: number; rss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
  return { heap: metric('lotse_nodejs_heap_size_used_bytes'), rss: metric('lotse_process_resident_memory_bytes') };
}

/** Heap and RSS once the child has collected its garbage (SIGUSR2, see the preload). */
async function collected(child: LotseProcess, url: string): Promise<{ heap: number; rss: number }> {
  child.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 1000));
  return memory(url);
}

/**
 * L1: the built program (`lotse serve`: gateway, subgraphs and workers in one process) under 20
 * connections of a partner query mix for LOTSE_LOAD_SECONDS (default 60), while its workers
 * drain a backlog of referrals whose webhooks go to a receiver. The child gets generous rate
 * limits (RATE_LIMIT_*): the per-partner limit would otherwise refuse most of the load.
 */
describe('L1 load while the workers drain a backlog', () => {
  let dir: string;
  let redis: RedisHandle;
  let app: TestApp;
  let child: LotseProcess | undefined;
  let receiver: Receiver;
  let events: QueueEvents[] = [];
  const clients: Redis[] = [];
  const stalled: string[] = [];
  const failed: string[] = [];
  const killChild = () => child?.child.kill('SIGKILL');

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'main.js')))
      throw new Error('run `npm run build` first: this test starts dist/src/main.js');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-l1-'));
    redis = await startRedisServer(path.join(dir, 'redis'), () => undefined);
    app = await startTestApp({ redisUrl: redis.url, env: FAST_WEBHOOKS });
    receiver = await startReceiver();
    process.once('exit', killChild);
  });
  afterAll(async () => {
    await Promise.all(events.map((e) => e.close()));
    for (const c of clients) c.disconnect();
    await child?.kill();
    process.removeListener('exit', killChild);
    await receiver?.close();
    await app?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    `20 connections for ${SECONDS} s: < 0.1 % errors, the backlog drained without a stalled or failed job, memory back to baseline`,
    async () => {
      // Persons and webhook endpoints first; the referrals (the backlog) once the child runs.
      const persons: string[] = [];
      for (let i = 0; i < BACKLOG_PERSONS; i++)
        persons.push(
          (await registerPerson(app, 'rheine-social', { address: RHEINE_ADDRESS, birthDate: '1990-01-01' })).id,
        );
      for (const provider of ['vhs-rheine', 'fbs-rheine'])
        await createWebhookEndpoint(app, provider, { url: receiver.url, eventTypes: ['referral.requested'] });

      const port = await freePort();
      const dataDir = path.join(dir, 'child');
      const env = {
        ...process.env,
        ...FAST_WEBHOOKS,
        LOTSE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: app.db.url,
        DATABASE_APP_ROLE: 'lotse_app',
        REDIS_URL: redis.url,
        LOTSE_QUEUE_PREFIX: app.queuePrefix,
        LOTSE_DATA_DIR: dataDir,
        LOTSE_INTERNAL_SECRET: app.internalSecret,
        LOTSE_DEMO_SEED: 'false',
        HOST: '127.0.0.1',
        PORT: String(port),
      };
      // The child collects garbage on SIGUSR2 (test scaffolding, preloaded), so the heap compared
      // with the baseline is what the program still holds, not what V8 has not yet collected.
      const preload = path.join(dir, 'gc-on-signal.js');
      fs.writeFileSync(preload, "process.on('SIGUSR2', () => { global.gc(); global.gc(); });\n");
      child = new LotseProcess(['--expose-gc', '-r', preload, path.join(ROOT, 'dist', 'src', 'main.js')], env);
      const url = `http://127.0.0.1:${port}`;
      // Warnings only (a log line per request would load the test itself): wait for /readyz instead.
      await eventually(async () => child!.running && (await fetch(`${url}/readyz`)).ok, 60_000, 250);
      // Tokens the child accepts: signed with the development key in its data directory.
      const config = loadConfig(env);
      const devKey = await loadOrCreateDevKey(dataDir);
      const token = async (partner: string) =>
        signDevToken(devKey, config.auth.issuer, config.auth.audience, {
          partner,
          scopes: DEMO_PARTNERS.find((p) => p.slug === partner)!.scopes,
        });

      // Stalled or failed jobs of any queue during the run are failures.
      const connection = () => {
        const c = new Redis(redis.url, { maxRetriesPerRequest: null });
        clients.push(c);
        return c;
      };
      events = Object.values(app.container.queues).map((q) => {
        const e = new QueueEvents(q.name, { connection: connection(), prefix: queueKeyPrefix(app.queuePrefix) });
        e.on('stalled', ({ jobId }) => stalled.push(`${q.name}:${jobId}`));
        e.on('failed', ({ jobId, failedReason }) => failed.push(`${q.name}:${jobId}: ${failedReason}`));
        return e;
      });
      await Promise.all(events.map((e) => e.waitUntilReady()));

      const mix = await queryMix(token, persons);
      // Baseline: warmed up (a few seconds of the same mix), then idle.
      await run(url, mix, 3, 4);
      await new Promise((r) => setTimeout(r, 3000));
      const baseline = await collected(child, url);

      // The backlog: referrals from the jobcenter to both course providers, each a webhook.
      for (const personId of persons)
        for (const receiverSlug of ['vhs-rheine', 'fbs-rheine'])
          await createReferral(app, 'jobcenter-steinfurt', { personId, receiver: receiverSlug });
      const backlog = persons.length * 2;

      const loadStarted = Date.now();
      const result = await run(url, mix, SECONDS, CONNECTIONS);
      const received = receiver.received.length;
      const total = result.requests.total;
      const errors = result.non2xx + result.errors + result.timeouts + mix.graphqlErrors.count;
      const summary = {
        seconds: SECONDS,
        connections: CONNECTIONS,
        requests: total,
        reqPerSec: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        socketErrors: result.errors,
        timeouts: result.timeouts,
        graphqlErrors: mix.graphqlErrors.count,
        errorRate: total ? errors / total : 1,
        backlog,
        webhooksDuringLoad: received,
      };

      // Drained: every referral's webhook arrived, nothing waits in the event and webhook queues (the
      // other queues hold their schedulers' delayed jobs for good).
      const busy = async () => {
        const { events: ev, webhooks } = app.container.queues;
        const counts = await Promise.all(
          [ev, webhooks].map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized')),
        );
        return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
      };
      const drainStarted = Date.now();
      await eventually(
        async () => new Set(receiver.received.map((r) => r.id)).size >= backlog && (await busy()) === 0,
        60_000,
        250,
      ).catch(async (err: Error) => {
        const got = new Set(receiver.received.map((r) => r.id)).size;
        const state = await asSuperuser(app.db.url, async (c) => ({
          outbox: (await c.query('SELECT count(*)::int AS n, count(acked_at)::int AS acked FROM hub.outbox')).rows,
          deliveries: (
            await c.query('SELECT status, cancel_reason, count(*)::int AS n FROM hub.webhook_delivery GROUP BY 1, 2')
          ).rows,
          endpoints: (await c.query('SELECT partner, url, enabled FROM hub.webhook_endpoint')).rows,
        }));
        process.stdout.write(JSON.stringify(state) + '\n');
        throw new Error(
          `${err.message}: ${got} of ${backlog} webhooks, ${await busy()} jobs waiting\n${child!.tail()}`,
        );
      });
      const drainMs = Date.now() - drainStarted;
      const pending = await asSuperuser(app.db.url, async (c) => ({
        outbox: (await c.query('SELECT count(*)::int AS n FROM hub.outbox WHERE acked_at IS NULL')).rows[0].n as number,
        deliveries: (
          await c.query(`SELECT status, count(*)::int AS n FROM hub.webhook_delivery GROUP BY status ORDER BY status`)
        ).rows as Array<{ status: string; n: number }>,
      }));
      const failedCounts = await Promise.all(
        Object.values(app.container.queues).map((q) => q.getJobCountByTypes('failed')),
      );

      // Memory after a short idle (5 s), collected as the baseline was.
      await new Promise((r) => setTimeout(r, 5000));
      const after = await collected(child, url);
      process.stdout.write(
        `L1 load: ${JSON.stringify({ ...summary, backlogDrainedAfterMs: Math.max(...receiver.received.map((r) => r.at)) - loadStarted, drainAfterLoadMs: drainMs, deliveries: pending.deliveries, baseline, after })}\n`,
      );

      expect(total).toBeGreaterThan(SECONDS * 20);
      expect(summary.errorRate).toBeLessThan(MAX_ERROR_RATE);
      expect(mix.graphqlErrors.samples).toEqual([]);
      expect(pending.outbox).toBe(0);
      expect(pending.deliveries).toEqual([{ status: 'succeeded', n: backlog }]);
      expect(failedCounts.every((n) => n === 0)).toBe(true);
      expect(stalled).toEqual([]);
      expect(failed).toEqual([]);
      expect(after.heap).toBeLessThan(baseline.heap + HEAP_MARGIN_BYTES);
      expect(after.rss).toBeLessThan(baseline.rss + RSS_MARGIN_BYTES);
      expect(child.running).toBe(true);
    },
    (SECONDS + 150) * 1000,
  );
});

interface Mix {
  requests: NonNullable<Parameters<typeof autocannon>[0]['requests']>;
  graphqlErrors: { count: number; samples: string[] };
}

/** A partner query mix: lists, name search, a person with nested fields, inbox and outbox of referrals, notifications. */
async function queryMix(token: (partner: string) => Promise<string>, persons: string[]): Promise<Mix> {
  const graphqlErrors = { count: 0, samples: [] as string[] };
  const op = async (partner: string, purpose: string, query: string, variables: Record<string, unknown> = {}) => ({
    method: 'POST' as const,
    path: '/graphql',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await token(partner)}`,
      'lotse-purpose': purpose,
    },
    body: JSON.stringify({ query, variables }),
    onResponse: (status: number, body: string) => {
      if (status !== 200 || !body.includes('"errors"')) return;
      graphqlErrors.count++;
      if (graphqlErrors.samples.length < 5) graphqlErrors.samples.push(body.slice(0, 300));
    },
  });
  return {
    graphqlErrors,
    requests: [
      await op(
        'jobcenter-steinfurt',
        'benefit_administration',
        '{ persons(first: 20) { totalCount edges { node { id givenName familyName birthDate residenceStatus { status } jobcenter { customerNumber } } } } }',
      ),
      await op(
        'rheine-social',
        'case_management',
        'query($name: String) { persons(first: 10, filter: { name: $name }) { edges { node { id givenName familyName address { district } } } } }',
        { name: 'Amal' },
      ),
      await op(
        'rheine-social',
        'case_management',
        'query($id: ID!) { person(id: $id) { givenName familyName nameVariants address { street locality } household { members { givenName } } identifiers { system value } consents { purpose } biography(first: 10) { type summary } } }',
        { id: persons[0] },
      ),
      await op(
        'vhs-rheine',
        'integration_course_referral',
        '{ referrals(first: 20, filter: { box: inbox }) { totalCount edges { node { id status person { givenName familyName } } } } }',
      ),
      await op(
        'vhs-rheine',
        'integration_course_referral',
        '{ notifications(first: 20) { unreadCount edges { node { id type } } } }',
      ),
      await op(
        'jobcenter-steinfurt',
        'integration_course_referral',
        '{ referrals(first: 20, filter: { box: outbox }) { edges { node { id status receiver allowedActions } } } }',
      ),
    ],
  };
}

function run(url: string, mix: Mix, seconds: number, connections: number): ReturnType<typeof autocannon> {
  return autocannon({ url, connections, duration: seconds, requests: mix.requests, timeout: 10 });
}
