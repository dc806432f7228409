import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { createRedisConnection } from '../src/events/queues';
import { DeliveryEngine } from '../src/subgraphs/hub/webhook/webhook.delivery';
import { EndpointSlots } from '../src/subgraphs/hub/webhook/webhook.inflight';
import { WEBHOOK_JOBS, WEBHOOKS_QUEUE, WebhookJobData, WebhookScheduler } from '../src/subgraphs/hub/webhook/webhook.queue';
import { assertJobHandlers } from './job-handlers';

export type WebhookHandler = (job: Job<WebhookJobData>, token?: string) => Promise<unknown>;

export interface WebhooksWorker {
  worker: Worker<WebhookJobData>;
  queue: Queue<WebhookJobData>;
  /** Queues pending deliveries that are due (or soon due) and whose job Redis lost; returns how many were looked at. */
  resync(): Promise<number>;
  close(): Promise<void>;
}

const RESYNC_BATCH = 1000;

/**
 * The `webhooks` queue: one job per attempt of a delivery (ids only). A job whose worker died is
 * taken over when its lock (WEBHOOK_LOCK_DURATION_MS) runs out; at start and every
 * WEBHOOK_RESYNC_SECONDS pending deliveries are queued again from PostgreSQL, which is the truth.
 */
export async function startWebhooksWorker(container: Container, opts: { resyncMs?: number } = {}): Promise<WebhooksWorker> {
  const cfg = container.config.webhooks;
  const log = container.log.child({ component: 'worker', queue: WEBHOOKS_QUEUE });
  const hub = container.subgraphs.hub;
  const scheduler: WebhookScheduler = container.webhooks.scheduler;
  const engine = new DeliveryEngine({
    hub: hub.dataSource,
    service: hub.services.webhooks,
    audit: container.audit,
    scheduler,
    slots: new EndpointSlots(container.redis, container.config.queuePrefix, cfg.endpointConcurrency, cfg.timeoutMs + 10_000),
    config: cfg,
    clock: container.clock,
    log,
    person: (personId) => container.persons.get(personId),
  });
  const handlers: Record<string, WebhookHandler> = {
    async deliver(job, token) {
      const { deliveryId, attempt } = job.data ?? ({} as WebhookJobData);
      if (typeof deliveryId !== 'string' || !Number.isInteger(attempt)) throw new UnrecoverableError(`Malformed webhook job ${job.id}`);
      const result = await engine.run({ deliveryId, attempt });
      if (result.outcome === 'delay') {
        await job.moveToDelayed(result.at, token);
        throw new DelayedError();
      }
      return result.outcome;
    },
  };
  assertJobHandlers(WEBHOOKS_QUEUE, WEBHOOK_JOBS, handlers);
  const connection = createRedisConnection(container.redisUrl);
  const worker = new Worker<WebhookJobData>(
    WEBHOOKS_QUEUE,
    async (job, token) => {
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
      return container.rowSecurity.system(`queue:${WEBHOOKS_QUEUE}`, () => handler(job, token));
    },
    {
      connection,
      prefix: container.config.queuePrefix,
      concurrency: cfg.concurrency,
      lockDuration: cfg.lockDurationMs,
      stalledInterval: Math.min(cfg.lockDurationMs, 30_000),
      // A delivery outlives crashed workers; PostgreSQL keeps it from being sent twice per attempt.
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'webhook job failed'));
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, 'webhooks worker error'));
  worker.on('closed', () => connection.disconnect());

  const resyncMs = opts.resyncMs ?? cfg.resyncSeconds * 1000;
  const resync = async (): Promise<number> => {
    const horizon = new Date(container.clock.now().getTime() + resyncMs);
    const rows: Array<{ id: string; attempt_count: number; next_attempt_at: Date }> = await hub.dataSource.query(
      `SELECT id, attempt_count, next_attempt_at FROM hub.webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT ${RESYNC_BATCH}`,
      [horizon],
    );
    for (const r of rows) await scheduler.ensure(r.id, r.attempt_count + 1, r.next_attempt_at);
    return rows.length;
  };
  const safeResync = () =>
    resync().catch((err) => {
      log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'webhook re-sync failed; retried at the next interval');
      return 0;
    });
  await safeResync();
  const timer = setInterval(() => void safeResync(), resyncMs);
  timer.unref();

  return {
    worker,
    queue: scheduler.queue,
    resync,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
