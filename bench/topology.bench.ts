import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildBacklog, Backlog, databaseUrl, deliveredWebhooks, setPublished, unacked } from './lib/topology.backlog';
import { admin, deleteRedisPrefix } from './lib/pipeline.instance';
import { round, sleep } from './lib/pipeline.stats';
import { BenchProcess, startProcess } from './lib/process';
import type { BenchContext, BenchSuite, Metric, SuiteResult } from './lib/types';

/**
 * Drain throughput of the outbox with one `lotse worker` process and with two. Each round clones
 * the same backlog (N person registrations, each an unacknowledged outbox event that every hub
 * consumer handles: biography, identifiers, indicator facts, rule checks, notifications, webhooks),
 * starts the workers while the rows are marked as published (so no relay takes them yet), waits
 * until every worker is up, then releases the rows and times until every event is acknowledged.
 * Worker start-up is not measured. Rounds alternate one and two workers; the median is reported.
 */
interface Plan {
  persons: number;
  /** Referrals of the delivery scenario, each one webhook to a receiver answering after RECEIVER_LATENCY_MS. */
  referrals: number;
  rounds: number;
  drainMs: number;
}
const QUICK: Plan = { persons: 600, referrals: 160, rounds: 1, drainMs: 120_000 };
const FULL: Plan = { persons: 5000, referrals: 480, rounds: 3, drainMs: 300_000 };
/**
 * A slow partner system: a second per request (WEBHOOK_TIMEOUT_MS allows 15). Deliveries then
 * wait on the receiver, not on this machine's two cores, which event handling alone saturates.
 */
const RECEIVER_LATENCY_MS = 1000;
/** The endpoint's own cap on requests in flight, above what one worker sends at once (WEBHOOK_CONCURRENCY 16). */
const ENDPOINT_CONCURRENCY = 64;

/** A receiver that answers every delivery 204 after RECEIVER_LATENCY_MS (signatures are the pipeline suite's business). */
async function slowReceiver(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(204).end(), RECEIVER_LATENCY_MS));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/lotse` };
}

async function drainRound(
  ctx: BenchContext,
  backlog: Backlog,
  workers: number,
  round: number,
  plan: Plan,
  deliveries = 0,
) {
  const database = `${backlog.template}_r${round}w${workers}`;
  const queuePrefix = `benchtopo${process.pid}r${round}w${workers}`;
  const url = databaseUrl(database);
  const procs: BenchProcess[] = [];
  try {
    await admin((c) => c.query(`CREATE DATABASE "${database}" TEMPLATE "${backlog.template}"`));
    await setPublished(url, 'now()');
    const env = {
      ...backlog.env,
      DATABASE_URL: url,
      LOTSE_QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'info',
      OUTBOX_RELAY_INTERVAL_MS: '100',
      // The rows marked published stay put until released below.
      OUTBOX_REDELIVER_AFTER_MS: '3600000',
    };
    // WORKER_PORT 0: each worker's health and metrics server on a port of its own.
    for (let i = 0; i < workers; i++)
      procs.push(
        startProcess(`worker ${i + 1}`, ['bin/lotse.js', 'worker'], {
          cwd: ctx.root,
          env: { ...env, WORKER_PORT: '0' },
        }),
      );
    for (const p of procs) await waitFor(p, 'workers started', 90_000);
    const cpuBefore = procs.map((p) => p.cpuMs());
    const started = performance.now();
    await setPublished(url, 'NULL');
    let left = backlog.events;
    let sent = 0;
    while (left > 0 || sent < deliveries) {
      if (performance.now() - started > plan.drainMs)
        throw new Error(
          `${left} of ${backlog.events} events and ${deliveries - sent} of ${deliveries} webhooks left after ${plan.drainMs / 1000} s`,
        );
      for (const p of procs) if (!p.running) throw new Error(`${p.name} exited:\n${p.output()}`);
      await sleep(50);
      left = await unacked(url);
      if (deliveries) sent = await deliveredWebhooks(url);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = procs.map((p, i) => (p.cpuMs() - cpuBefore[i]) / 1000);
    const done = deliveries || backlog.events;
    const perSecond = done / seconds;
    ctx.log(
      `round ${round}, ${workers} worker(s): ${deliveries ? `${deliveries} webhooks (${backlog.events} events)` : `${backlog.events} events`} in ${seconds.toFixed(1)} s = ${perSecond.toFixed(0)}/s; worker CPU ${cpu.map((c) => c.toFixed(1)).join(' + ')} s`,
    );
    return { perSecond, seconds };
  } finally {
    await Promise.all(procs.map((p) => p.stop(10_000)));
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).catch(() => undefined);
    await deleteRedisPrefix(queuePrefix).catch(() => undefined);
  }
}

/** Resolves once the process printed `text` (pino JSON on stdout); fails if it exits first. */
async function waitFor(p: BenchProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.output().includes(text)) return;
    if (!p.running) throw new Error(`${p.name} exited during start:\n${p.output()}`);
    await sleep(100);
  }
  throw new Error(`${p.name} did not print "${text}" within ${timeoutMs / 1000} s:\n${p.output()}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(ctx: BenchContext): Promise<SuiteResult> {
  const plan = ctx.quick ? QUICK : FULL;
  const backlog = await buildBacklog(ctx, plan.persons);
  ctx.log(`backlog: ${backlog.events} events waiting`);
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 1; r <= plan.rounds; r++) {
    one.push((await drainRound(ctx, backlog, 1, r, plan)).perSecond);
    two.push((await drainRound(ctx, backlog, 2, r, plan)).perSecond);
  }
  // Deliveries: the same, with each referral's webhook going to a receiver that takes its time.
  const receiver = await slowReceiver();
  ctx.defer(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
  const webhookBacklog = await buildBacklog(ctx, plan.referrals, {
    receiverUrl: receiver.url,
    maxConcurrency: ENDPOINT_CONCURRENCY,
  });
  const oneW: number[] = [];
  const twoW: number[] = [];
  for (let r = 1; r <= plan.rounds; r++) {
    oneW.push((await drainRound(ctx, webhookBacklog, 1, r, plan, plan.referrals)).perSecond);
    twoW.push((await drainRound(ctx, webhookBacklog, 2, r, plan, plan.referrals)).perSecond);
  }
  const spread = (xs: number[]): [number, number] => [round(Math.min(...xs)), round(Math.max(...xs))];
  const metrics: Metric[] = [
    { name: 'outbox drain, one worker process', value: round(median(one)), unit: 'events/s', spread: spread(one) },
    { name: 'outbox drain, two worker processes', value: round(median(two)), unit: 'events/s', spread: spread(two) },
    {
      name: `webhook drain (receiver ${RECEIVER_LATENCY_MS} ms), one worker process`,
      value: round(median(oneW)),
      unit: 'webhooks/s',
      spread: spread(oneW),
    },
    {
      name: `webhook drain (receiver ${RECEIVER_LATENCY_MS} ms), two worker processes`,
      value: round(median(twoW)),
      unit: 'webhooks/s',
      spread: spread(twoW),
    },
  ];
  const ratio = median(two) / median(one);
  const ratioW = median(twoW) / median(oneW);
  return {
    suite: 'topology',
    metrics,
    ratios: [
      { name: 'two workers ÷ one worker (outbox drain)', value: round(ratio, 2), target: '> 1', met: ratio > 1 },
      { name: 'two workers ÷ one worker (webhook drain)', value: round(ratioW, 2), target: '> 1', met: ratioW > 1 },
    ],
    notes: [
      `outbox backlog: ${backlog.events} events (${plan.persons} person registrations); webhook backlog: ${plan.referrals} referrals to the VHS (${webhookBacklog.events} events, one webhook each, receiver answering after ${RECEIVER_LATENCY_MS} ms, endpoint cap ${ENDPOINT_CONCURRENCY}); ${plan.rounds} round(s) each, alternating; median`,
      'each worker process with the defaults (events concurrency 16, webhooks concurrency 16, DB_POOL_SIZE 5), its own outbox relay; PostgreSQL, Redis and the workers share the machine',
    ],
  };
}

export const suite: BenchSuite = {
  name: 'topology',
  title: 'Outbox drain: one worker process or two',
  run,
};
