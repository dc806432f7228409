import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { JobData, JobHandlers } from '../src/jobs/job.registry';
import { startResync, withResync } from '../src/jobs/job.resync';
import { queueLog, startQueueWorker } from '../src/jobs/job.worker';
import { webhooksQueue } from '../src/jobs/queues';
import { DeliveryEngine } from '../src/subgraphs/hub/webhook/webhook.delivery';
import { EndpointSlots } from '../src/subgraphs/hub/webhook/webhook.inflight';
import { WebhookScheduler } from '../src/subgraphs/hub/webhook/webhook.queue';

export interface WebhooksWorker {
  worker: Worker<JobData<typeof webhooksQueue>>;
  queue: WebhookScheduler['queue'];
  /** Queues pending deliveries that are due (or soon due) and whose job Redis lost; returns how many were looked at. */
  resync(): Promise<number>;
  close(): Promise<void>;
}

const RESYNC_BATCH = 1000;

export function webhooksHandlers(engine: DeliveryEngine): JobHandlers<typeof webhooksQueue> {
  return {
    async deliver(job, { token }) {
      const { deliveryId, attempt } = job.data ?? {};
      if (typeof deliveryId !== 'string' || !Number.isInteger(attempt))
        throw new UnrecoverableError(`Malformed webhook job ${job.id}`);
      const result = await engine.run({ deliveryId, attempt });
      if (result.outcome === 'delay') {
        await job.moveToDelayed(result.at, token);
        throw new DelayedError();
      }
      return result.outcome;
    },
  };
}

/**
 * The `webhooks` queue's worker: one job per attempt of a delivery (ids only). A job whose worker
 * died is taken over when its lock (WEBHOOK_LOCK_DURATION_MS) runs out; at start, every
 * WEBHOOK_RESYNC_SECONDS and when the Redis connection is back after a loss, pending deliveries are
 * queued again from PostgreSQL, which is the truth.
 */
export async function startWebhooksWorker(
  container: Container,
  opts: { resyncMs?: number } = {},
): Promise<WebhooksWorker> {
  const cfg = container.config.webhooks;
  const log = queueLog(container.log, webhooksQueue.name);
  const hub = container.subgraphs.hub;
  const scheduler = container.schedulers.webhooks;
  const engine = new DeliveryEngine({
    hub: hub.dataSource,
    service: hub.services.webhooks,
    audit: container.audit,
    scheduler,
    slots: new EndpointSlots(container.redis, container.config.queuePrefix, cfg.timeoutMs + 10_000, (jobId) =>
      scheduler.wake(jobId),
    ),
    config: cfg,
    clock: container.clock,
    log,
    metrics: container.metrics,
    person: (personId) => container.persons.get(personId),
  });
  const worker = startQueueWorker(webhooksQueue, webhooksHandlers(engine), container);

  const resyncMs = opts.resyncMs ?? cfg.resyncSeconds * 1000;
  const requeue = async (): Promise<number> => {
    const horizon = new Date(container.clock.now().getTime() + resyncMs);
    const rows: Array<{ id: string; attempt_count: number; next_attempt_at: Date }> = await hub.dataSource.query(
      `SELECT id, attempt_count, next_attempt_at FROM hub.webhook_delivery WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT ${RESYNC_BATCH}`,
      [horizon],
    );
    for (const r of rows) await scheduler.ensure(r.id, r.attempt_count + 1, r.next_attempt_at);
    return rows.length;
  };
  const resync = await startResync('webhooks', resyncMs, requeue, {
    log,
    rowSecurity: container.rowSecurity,
    reconnects: container.redis,
  });

  return { queue: scheduler.queue, ...withResync(worker, resync) };
}
