import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { BENCH_REDIS_URL, deleteRedisPrefix } from './pipeline.instance';
import { percentile, pool } from './pipeline.stats';

/** The lower bounds of the pipeline on the same machine: what its parts cost when they do nothing else. */
export interface BullmqFloor {
  jobsPerSecond: number;
  /** add() → processor start, one job at a time. */
  p50Ms: number;
  p99Ms: number;
}

/**
 * Raw BullMQ round trip: `Queue.add` → a no-op `Worker` (concurrency 10, like the 10 senders), on
 * the same Redis. Latency with one job in flight at a time; throughput with 10 adders at once.
 */
export async function bullmqFloor(prefix: string, latencyJobs: number, throughputJobs: number): Promise<BullmqFloor> {
  const queueConnection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const name = 'floor';
  const queue = new Queue(name, { connection: queueConnection, prefix });
  const started = new Map<string, (at: number) => void>();
  const worker = new Worker(
    name,
    async (job) => {
      const at = performance.now();
      started.get(job.id!)?.(at);
    },
    { connection: workerConnection, prefix, concurrency: 10 },
  );
  try {
    await worker.waitUntilReady();
    const roundTrip = async (): Promise<number> => {
      const id = randomUUID();
      const done = new Promise<number>((resolve) => started.set(id, resolve));
      const t0 = performance.now();
      await queue.add('noop', { n: 1 }, { jobId: id, removeOnComplete: true });
      const latency = (await done) - t0;
      started.delete(id);
      return latency;
    };
    const latencies: number[] = [];
    for (let i = 0; i < latencyJobs; i++) latencies.push(await roundTrip());
    const t0 = performance.now();
    await pool(10, throughputJobs, async () => void (await roundTrip()));
    const seconds = (performance.now() - t0) / 1000;
    return {
      jobsPerSecond: throughputJobs / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    queueConnection.disconnect();
    workerConnection.disconnect();
    await deleteRedisPrefix(prefix);
  }
}

/**
 * Plain HTTP: signed POSTs (a body the size of a referral webhook) to `url` from 10 concurrent
 * clients, each waiting for its answer. Returns POSTs per second; every one must be answered 2xx.
 * `connection`: 'kept-alive' reuses sockets (the cheapest client there is); 'fresh' opens one per
 * POST, as the webhook engine does (it checks the address of every connection it opens).
 */
export async function plainPostFloor(
  url: string,
  secret: string,
  posts: number,
  connection: 'kept-alive' | 'fresh' = 'kept-alive',
): Promise<{ postsPerSecond: number }> {
  const signer = new Webhook(secret);
  const body = JSON.stringify(samplePayload());
  const agent = connection === 'fresh' ? false : new Agent({ keepAlive: true, maxSockets: 10 });
  let failed = 0;
  const t0 = performance.now();
  await pool(10, posts, async () => {
    const id = `msg_floor${randomUUID().replace(/-/g, '').slice(0, 22)}`;
    const at = new Date();
    const status = await post(url, agent, body, {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(id, at, body),
    });
    if (status < 200 || status > 299) failed++;
  });
  const seconds = (performance.now() - t0) / 1000;
  if (agent) agent.destroy();
  if (failed) throw new Error(`${failed} of ${posts} floor POSTs were refused`);
  return { postsPerSecond: posts / seconds };
}

function post(url: string, agent: Agent | false, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The shape and size of a `referral.requested` webhook (docs/webhooks.md). */
function samplePayload() {
  return {
    type: 'referral.requested',
    timestamp: new Date().toISOString(),
    data: {
      eventId: randomUUID(),
      referralId: randomUUID(),
      personId: randomUUID(),
      status: 'requested',
      kind: 'referral',
      referralType: 'integration_course',
      purpose: 'integration_course_referral',
      sender: 'jobcenter-steinfurt',
      receiver: 'vhs-rheine',
      reasonCode: null,
      person: {
        givenName: 'Dawit',
        familyName: 'Tesfaye',
        birthDate: '1994-03-02',
        municipalityKey: '05566076',
        address: { street: 'Emsstraße', houseNumber: '12', postalCode: '48431', locality: 'Rheine' },
      },
    },
  };
}
