import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Clock } from '../../../shared/time';

/** The `webhooks` queue: one job per attempt of a delivery; it carries ids only. */
export const WEBHOOKS_QUEUE = 'webhooks';
export const WEBHOOK_JOBS = ['deliver'] as const;
export type WebhookJobName = (typeof WEBHOOK_JOBS)[number];

export interface WebhookJobData {
  deliveryId: string;
  /** Which attempt (1-based) this job makes; a job for an attempt already made is dropped. */
  attempt: number;
}

/** Deterministic per attempt: queuing the same attempt twice (re-sync, a re-processed event) is a no-op. */
export const webhookJobId = (deliveryId: string, attempt: number): string => `${deliveryId}-a${attempt}`;

export function createWebhooksQueue(connection: Redis, prefix: string): Queue<WebhookJobData> {
  return new Queue<WebhookJobData>(WEBHOOKS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      // Retries here are for the hub's own failures (database, Redis); the receiver's failures are
      // recorded as attempts and retried on the delivery's schedule with a new job.
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
    },
  });
}

/** Puts attempts of deliveries on the queue. PostgreSQL decides what is due; this only sets the timer. */
export class WebhookScheduler {
  constructor(
    readonly queue: Queue<WebhookJobData>,
    private readonly clock: Clock,
  ) {}

  /**
   * Makes sure a job for `attempt` exists and runs at `at`: a finished or failed job of the same id
   * is replaced, a delayed one that is due now is promoted, a waiting or active one is left alone.
   */
  async ensure(deliveryId: string, attempt: number, at: Date): Promise<void> {
    const jobId = webhookJobId(deliveryId, attempt);
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed' || state === 'failed' || state === 'unknown') {
        await existing.remove().catch(() => undefined);
      } else {
        if (state === 'delayed' && delay === 0) await existing.promote().catch(() => undefined);
        return;
      }
    }
    await this.queue.add('deliver', { deliveryId, attempt }, { jobId, delay });
  }
}
