import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Queue } from 'bullmq';
import { RowSecurityContext } from '../shared/row-security';
import { Logger } from '../shared/logger';
import { Clock } from '../shared/time';
import type { Container } from '../container';
import { Metrics } from './metrics.registry';

/** The job states of a BullMQ queue as it names them. */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

export interface StateSources {
  queues: Record<string, Pick<Queue, 'name' | 'getJobCounts'>>;
  /** Each subgraph schema's connection: its outbox is read through it. */
  outboxes: Record<string, DataSource>;
  hub: DataSource;
  rowSecurity: RowSecurityContext;
  clock: Clock;
  log: Logger;
  /** A scrape does not wait longer for Redis or PostgreSQL (default 2000 ms). */
  timeoutMs?: number;
}

const GLOBAL = 'Global figure: every process that exposes it reports the same value (aggregate with max()).';
const registered = new WeakSet<Metrics>();

/**
 * Queue depth, dead letters and outbox lag: global figures read from Redis and PostgreSQL when
 * scraped, by processes that serve /metrics for the cluster (gateway, worker, serve), once per
 * registry. A source that does not answer within the timeout keeps its last values and counts in
 * lotse_metrics_collect_errors_total, so a slow Redis does not hang /metrics.
 */
export function registerStateMetrics(metrics: Metrics, sources: StateSources): void {
  if (registered.has(metrics)) return;
  registered.add(metrics);
  const registers = [metrics.registry];
  const timeoutMs = sources.timeoutMs ?? 2000;
  const errors = new Counter({
    name: 'lotse_metrics_collect_errors_total',
    help: 'Scrapes whose figures from a source (redis, postgres) did not arrive in time; the last values were kept',
    labelNames: ['source'],
    registers,
    // Waits for this scrape's reads (they are shared), so a miss shows in the same scrape.
    collect: async () => {
      await Promise.all([fromRedis(), fromPostgres()]);
    },
  });
  const failed = (source: string) => (err: unknown) => {
    errors.inc({ source });
    sources.log.warn(
      { source, err: { name: (err as Error).name, message: (err as Error).message } },
      'metrics: figures not read',
    );
  };

  const fromRedis = once(() => jobCounts().catch(failed('redis')));
  const queueJobs = new Gauge({
    name: 'lotse_queue_jobs',
    help: `Jobs per queue and state. ${GLOBAL}`,
    labelNames: ['queue', 'state'],
    registers,
    collect: fromRedis,
  });
  const deadLetters = new Gauge({
    name: 'lotse_dead_letters',
    help: `Failed jobs kept per queue (gave up). ${GLOBAL}`,
    labelNames: ['queue'],
    registers,
    collect: fromRedis,
  });
  // One read of Redis serves both gauges of a scrape.
  const jobCounts = async () => {
    const queues = Object.values(sources.queues);
    const counts = await withTimeout(Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES))), timeoutMs);
    queues.forEach((q, i) => {
      for (const state of JOB_STATES) queueJobs.set({ queue: q.name, state }, counts[i][state] ?? 0);
      deadLetters.set({ queue: q.name }, counts[i].failed ?? 0);
    });
  };

  const fromPostgres = once(() => postgres().catch(failed('postgres')));
  const lag = new Gauge({
    name: 'lotse_outbox_lag_seconds',
    help: `Age of the oldest unacknowledged outbox event per source schema, 0 when none. ${GLOBAL}`,
    labelNames: ['source'],
    registers,
    collect: fromPostgres,
  });
  const unacked = new Gauge({
    name: 'lotse_outbox_unacknowledged',
    help: `Unacknowledged outbox events per source schema. ${GLOBAL}`,
    labelNames: ['source'],
    registers,
    collect: fromPostgres,
  });
  const webhooksDead = new Gauge({
    name: 'lotse_webhook_deliveries_dead',
    help: `Webhook deliveries given up (status dead) in PostgreSQL. ${GLOBAL}`,
    registers,
    collect: fromPostgres,
  });
  const postgres = () =>
    withTimeout(
      sources.rowSecurity.system('metrics', async () => {
        const now = sources.clock.now().getTime();
        await Promise.all(
          Object.entries(sources.outboxes).map(async ([source, ds]) => {
            // The partial index outbox_unacked (WHERE acked_at IS NULL) holds exactly these rows.
            const [row] = await ds.query(
              `SELECT count(*)::int AS n, min(occurred_at) AS oldest FROM "${source}".outbox WHERE acked_at IS NULL`,
            );
            unacked.set({ source }, row.n);
            lag.set({ source }, row.oldest ? Math.max(0, (now - new Date(row.oldest).getTime()) / 1000) : 0);
          }),
        );
        // The partial index webhook_delivery_dead (migration 1765550000000) holds exactly these rows.
        const [dead] = await sources.hub.query(
          `SELECT count(*)::int AS n FROM hub.webhook_delivery WHERE status = 'dead'`,
        );
        webhooksDead.set(dead.n);
      }),
      timeoutMs,
    );
}

/** Calls made while one run is in flight share it (the gauges of one scrape collect together). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn().finally(() => (running = undefined)));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The cluster-wide figures of a container's PostgreSQL and Redis, on its registry. */
export function registerClusterMetrics(container: Container): void {
  registerStateMetrics(container.metrics, {
    queues: container.queues,
    outboxes: Object.fromEntries(Object.entries(container.subgraphs).map(([name, s]) => [name, s.dataSource])),
    hub: container.subgraphs.hub.dataSource,
    rowSecurity: container.rowSecurity,
    clock: container.clock,
    log: container.log.child({ component: 'metrics' }),
  });
}
