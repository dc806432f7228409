import { bullmqFloor, plainPostFloor } from './lib/pipeline.floors';
import { LotseInstance, startLotse } from './lib/pipeline.instance';
import { WebhookReceiver } from './lib/pipeline.receiver';
import { percentile, pool, round, sleep } from './lib/pipeline.stats';
import type { BenchContext, BenchSuite, Metric, SuiteResult } from './lib/types';

const PURPOSE = 'integration_course_referral';
const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } secret }
}`;
const PERSONS = `query($first: Int) { persons(first: $first, filter: { municipalityKey: "05566076" }) { edges { node { id } } } }`;
const CREATE_REFERRAL = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id status } }`;

interface Sizes {
  /** Referrals one after another, each waiting for its webhook; stops early at `sequentialBudgetMs`. */
  sequential: number;
  sequentialBudgetMs: number;
  /** Referrals from 10 senders at once, then waiting for every webhook (at most `drainMs` without progress). */
  concurrent: number;
  drainMs: number;
  floorJobs: number;
  floorPosts: number;
}

const QUICK: Sizes = {
  sequential: 50,
  sequentialBudgetMs: 20_000,
  concurrent: 200,
  drainMs: 30_000,
  floorJobs: 1000,
  floorPosts: 1000,
};
const FULL: Sizes = {
  sequential: 300,
  sequentialBudgetMs: 60_000,
  concurrent: 1000,
  drainMs: 60_000,
  floorJobs: 5000,
  floorPosts: 5000,
};

/** A referral sender (jobcenter → VHS, a referral-bound legal basis) over the gateway. */
class Sender {
  private next = 0;
  constructor(
    private readonly lotse: LotseInstance,
    private readonly token: string,
    private readonly personIds: string[],
  ) {}

  /** Creates and sends one referral; resolves with its id and when the answer came (performance.now()). */
  async refer(): Promise<{ id: string; answeredAt: number }> {
    const personId = this.personIds[this.next++ % this.personIds.length];
    const input = {
      personId,
      receiver: 'vhs-rheine',
      purpose: PURPOSE,
      referralType: 'integration_course',
      send: true,
    };
    const res = await this.lotse.gql(this.token, CREATE_REFERRAL, { input });
    const answeredAt = performance.now();
    const referral = res.body.data?.createReferral;
    if (res.status !== 200 || !referral?.id)
      throw new Error(`createReferral failed: HTTP ${res.status} ${JSON.stringify(res.body.errors)}`);
    return { id: referral.id as string, answeredAt };
  }
}

async function oneSender(sender: Sender, receiver: WebhookReceiver, sizes: Sizes) {
  const latencies: number[] = [];
  let missing = 0;
  const deadline = Date.now() + sizes.sequentialBudgetMs;
  for (let i = 0; i < sizes.sequential && Date.now() < deadline; i++) {
    const { id, answeredAt } = await sender.refer();
    const at = await receiver.arrivalOf(id, 30_000);
    if (at === undefined) missing++;
    // A webhook may in principle overtake the mutation's answer: that is no delay at all.
    else latencies.push(Math.max(0, at - answeredAt));
  }
  return { latencies, missing, sent: latencies.length + missing };
}

async function tenSenders(sender: Sender, receiver: WebhookReceiver, sizes: Sizes) {
  const sent: Array<{ id: string; answeredAt: number }> = [];
  const t0 = performance.now();
  await pool(10, sizes.concurrent, async () => void sent.push(await sender.refer()));
  const sendSeconds = (performance.now() - t0) / 1000;
  // Wait for the stragglers: until all arrived, or nothing new arrived for drainMs.
  let lastCount = -1;
  let lastProgress = Date.now();
  for (;;) {
    const arrived = sent.filter((r) => receiver.referralArrival(r.id) !== undefined).length;
    if (arrived === sent.length) break;
    if (arrived !== lastCount) [lastCount, lastProgress] = [arrived, Date.now()];
    else if (Date.now() - lastProgress > sizes.drainMs) break;
    await sleep(50);
  }
  const latencies: number[] = [];
  let last = t0;
  for (const r of sent) {
    const at = receiver.referralArrival(r.id);
    if (at === undefined) continue;
    latencies.push(Math.max(0, at - r.answeredAt));
    last = Math.max(last, at);
  }
  return {
    latencies,
    missing: sent.length - latencies.length,
    throughput: latencies.length / ((last - t0) / 1000),
    sendRate: sent.length / sendSeconds,
  };
}

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const sizes = ctx.quick ? QUICK : FULL;
  const receiver = await WebhookReceiver.start();
  let lotse: LotseInstance | undefined;
  try {
    lotse = await startLotse(ctx, { label: 'pipeline' });
    const vhs = await lotse.token('vhs-rheine', PURPOSE);
    const created = await lotse.gql(vhs, CREATE_ENDPOINT, {
      input: { url: receiver.url, eventTypes: ['referral.requested'], description: 'benchmark receiver' },
    });
    const secret = created.body.data?.createWebhookEndpoint?.secret as string | undefined;
    if (!secret) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(created.body.errors)}`);
    receiver.useSecret(secret);

    const jobcenter = await lotse.token('jobcenter-steinfurt', PURPOSE);
    const persons = await lotse.gql(jobcenter, PERSONS, { first: 100 });
    const personIds = ((persons.body.data?.persons?.edges ?? []) as Array<{ node: { id: string } }>).map(
      (e) => e.node.id,
    );
    if (personIds.length < 10) throw new Error(`too few persons for the senders: ${JSON.stringify(persons.body)}`);
    const sender = new Sender(lotse, jobcenter, personIds);

    // Warm-up (first compilations, connections): not measured.
    for (let i = 0; i < 3; i++) await receiver.arrivalOf((await sender.refer()).id, 30_000);
    receiver.reset();

    ctx.log(`pipeline: one sender, up to ${sizes.sequential} referrals`);
    const one = await oneSender(sender, receiver, sizes);
    ctx.log(`pipeline: ten senders, ${sizes.concurrent} referrals`);
    const ten = await tenSenders(sender, receiver, sizes);
    const { duplicates, refused, verified } = receiver;
    await lotse.stop();

    ctx.log('pipeline: floors');
    receiver.reset();
    const bull = await bullmqFloor(`${lotse.queuePrefix}_floor`, ctx.quick ? 200 : 500, sizes.floorJobs);
    const post = await plainPostFloor(receiver.url, secret, sizes.floorPosts);
    const fresh = await plainPostFloor(receiver.url, secret, sizes.floorPosts, 'fresh');

    const oneP50 = percentile(one.latencies, 50);
    // Against POSTs on fresh connections: the engine opens one per delivery, by design (address check).
    const throughputShare = ten.throughput / fresh.postsPerSecond;
    const metrics: Metric[] = [
      {
        name: 'one sender: referral → webhook p50',
        value: round(oneP50),
        unit: 'ms',
        note: `n=${one.latencies.length}`,
      },
      { name: 'one sender: referral → webhook p99', value: round(percentile(one.latencies, 99)), unit: 'ms' },
      { name: 'ten senders: webhooks per second', value: round(ten.throughput), unit: '1/s' },
      {
        name: 'ten senders: referral → webhook p50',
        value: round(percentile(ten.latencies, 50)),
        unit: 'ms',
        note: `n=${ten.latencies.length}`,
      },
      { name: 'ten senders: referral → webhook p99', value: round(percentile(ten.latencies, 99)), unit: 'ms' },
      { name: 'ten senders: referrals created per second', value: round(ten.sendRate), unit: '1/s' },
      { name: 'webhooks missing', value: one.missing + ten.missing, unit: 'count' },
      { name: 'duplicate webhook-ids', value: duplicates, unit: 'count' },
      { name: 'signatures refused', value: refused, unit: 'count', note: `${verified} verified` },
      { name: 'floor: BullMQ add → no-op worker', value: round(bull.jobsPerSecond), unit: 'jobs/s' },
      { name: 'floor: BullMQ round trip p50', value: round(bull.p50Ms, 2), unit: 'ms' },
      { name: 'floor: plain signed POST, 10 clients', value: round(post.postsPerSecond), unit: 'POSTs/s' },
      {
        name: 'floor: plain signed POST, 10 clients, a connection per POST',
        value: round(fresh.postsPerSecond),
        unit: 'POSTs/s',
      },
    ];
    return {
      suite: 'pipeline',
      metrics,
      ratios: [
        {
          name: 'pipeline throughput ÷ plain-POST floor (a connection per POST)',
          value: round(throughputShare, 3),
          target: '≥ 0.25',
          met: throughputShare >= 0.25,
        },
        {
          name: 'pipeline throughput ÷ plain-POST floor (kept-alive)',
          value: round(ten.throughput / post.postsPerSecond, 3),
        },
        { name: 'p50 referral → webhook, one sender (ms)', value: round(oneP50), target: '≤ 50', met: oneP50 <= 50 },
      ],
      notes: [
        `one sender: ${one.sent} of ${sizes.sequential} referrals within ${sizes.sequentialBudgetMs / 1000} s, each waiting for its webhook`,
        `ten senders: ${sizes.concurrent} referrals; latency from each mutation's answer to its verified webhook`,
        'floors on the same machine and Redis; Lotse stopped while they run',
      ],
    };
  } finally {
    await lotse?.stop();
    await receiver.close();
  }
}

export const suite: BenchSuite = {
  name: 'pipeline',
  title: 'Referral → signed webhook, against its floors',
  run,
};
