import type { JobName, QueueOf } from '../../../jobs/job.registry';
import type { webhooksQueue } from '../../../jobs/queues';
export type { WebhookJobData } from '../../../jobs/queues';
import { Clock } from '../../../shared/time';
import { noTracing, Tracing } from '../../../shared/tracing';
import type { WakeResult } from './webhook.inflight';

/** Deterministic per attempt: queuing the same attempt twice (re-sync, a re-processed event) is a no-op. */
export const webhookJobId = (deliveryId: string, attempt: number): string => `${deliveryId}-a${attempt}`;

/** What the webhook service needs to have an attempt of a delivery made at a time. */
export interface DeliveryTimers {
  ensure(deliveryId: string, attempt: number, at: Date): Promise<void>;
  /** The first attempts of deliveries just created: no job of their ids can exist yet. */
  queueFirst(deliveryIds: string[]): Promise<void>;
}

/** Puts attempts of deliveries on the `webhooks` queue. PostgreSQL decides what is due; this only sets the timer. */
export class WebhookScheduler implements DeliveryTimers {
  constructor(
    readonly queue: QueueOf<typeof webhooksQueue>,
    private readonly clock: Clock,
    private readonly tracing: Tracing = noTracing(),
  ) {}

  /** The attempt's job continues the trace of what queued it (the event's handling, the previous attempt). */
  private data(deliveryId: string, attempt: number) {
    const traceparent = this.tracing.traceparent();
    return traceparent ? { deliveryId, attempt, traceparent } : { deliveryId, attempt };
  }

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
    await this.queue.add('deliver' satisfies JobName<typeof webhooksQueue>, this.data(deliveryId, attempt), {
      jobId,
      delay,
    });
  }

  /** One round trip for all of them: adding a job of an existing id would be a no-op anyway. */
  async queueFirst(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: 'deliver' satisfies JobName<typeof webhooksQueue>,
        data: this.data(deliveryId, 1),
        opts: { jobId: webhookJobId(deliveryId, 1) },
      })),
    );
  }

  /** Runs a job that waits for a slot of its endpoint now (webhook.inflight.ts). */
  async wake(jobId: string): Promise<WakeResult> {
    const job = await this.queue.getJob(jobId);
    if (!job) return 'gone';
    try {
      await job.promote();
      return 'woken';
    } catch {
      const state = await job.getState();
      return state === 'active' || state === 'delayed' ? 'busy' : 'gone';
    }
  }
}
