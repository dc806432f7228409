import { Logger } from '../../../shared/logger';
import { Clock } from '../../../shared/time';
import type { JobName, QueueOf } from '../../../jobs/job.registry';
import type { slaQueue } from '../../../jobs/queues';
import { DeadlineTimers, DueHandler, OpenDeadline, deadlineJobId } from './agreement.rules';
import { AgreementService } from './agreement.service';

export interface ResyncResult {
  /** Open deadlines seen. */
  open: number;
  /** Timers that were missing in Redis and were created. */
  recreated: number;
  /** Deadlines already due by the clock, handled at once. */
  processed: number;
  failed: number;
}

/**
 * Keeps one BullMQ delayed job per open deadline on the `sla` queue (job id `<referralId>.<kind>`,
 * delay = due_at − clock.now()); a deadline already due is handled at once instead. The handler
 * re-reads PostgreSQL and is idempotent, so a timer that fires twice, or a re-sync racing a timer,
 * breaches a deadline once. Built by the container, before the services that use it.
 */
export class SlaTimers implements DeadlineTimers {
  constructor(
    readonly queue: QueueOf<typeof slaQueue>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Makes sure each open deadline has a timer, or handles it at once when it is due. */
  async ensure(
    deadlines: OpenDeadline[],
    handleDue: DueHandler,
  ): Promise<{ recreated: number; processed: number; failed: number }> {
    const now = this.clock.now().getTime();
    const due = deadlines.filter((d) => d.dueAt.getTime() <= now);
    const later = deadlines.filter((d) => d.dueAt.getTime() > now);
    let recreated = 0;
    if (later.length) {
      // Only what Redis does not hold: adding an existing job id would be a no-op anyway, but this counts what was lost.
      // A deadline created just now has no timer yet: not asked about.
      const states = await Promise.all(
        later.map((d) =>
          d.created ? Promise.resolve('unknown') : this.queue.getJobState(deadlineJobId(d.referralId, d.kind)),
        ),
      );
      // A finished job (failed for good, or kept completed) would block its id: the deadline is still open, so it goes.
      const finished = later.filter((_, i) => states[i] === 'failed' || states[i] === 'completed');
      for (const d of finished) await this.queue.remove(deadlineJobId(d.referralId, d.kind));
      const missing = later.filter(
        (_, i) => states[i] === 'unknown' || states[i] === 'failed' || states[i] === 'completed',
      );
      if (missing.length) {
        await this.queue.addBulk(
          missing.map((d) => ({
            name: 'deadline' satisfies JobName<typeof slaQueue>,
            data: { referralId: d.referralId, kind: d.kind },
            opts: { jobId: deadlineJobId(d.referralId, d.kind), delay: d.dueAt.getTime() - now },
          })),
        );
      }
      recreated = missing.length;
    }
    let processed = 0;
    let failed = 0;
    for (const d of due) {
      try {
        await handleDue(d);
        processed++;
      } catch (err) {
        failed++;
        this.log.warn(
          {
            jobId: deadlineJobId(d.referralId, d.kind),
            err: { name: (err as Error).name, message: (err as Error).message },
          },
          'overdue deadline could not be handled; next re-sync retries',
        );
      }
    }
    return { recreated, processed, failed };
  }
}

/**
 * Redis keeps nothing on disk, so `resync()` re-creates lost timers from PostgreSQL and handles
 * what is already due. BullMQ delays run on real time, the Clock may not: a timer that fires
 * before its deadline by the Clock puts itself back (the worker moves the job to delayed), and a
 * Clock moved forward (tests) takes effect at the next `resync()`, which handles everything due
 * by the Clock.
 */
export class SlaScheduler {
  private running?: Promise<ResyncResult>;

  constructor(
    private readonly timers: SlaTimers,
    private readonly agreements: AgreementService,
    private readonly log: Logger,
    private readonly batchSize = 500,
  ) {}

  get queue(): QueueOf<typeof slaQueue> {
    return this.timers.queue;
  }

  /** Every open deadline gets its timer; due ones are handled now. One run at a time per process. */
  resync(): Promise<ResyncResult> {
    if (!this.running) {
      this.running = this.runResync().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Resolves when no re-sync is running (for shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async runResync(): Promise<ResyncResult> {
    const total: ResyncResult = { open: 0, recreated: 0, processed: 0, failed: 0 };
    const handleDue: DueHandler = (d) => this.agreements.processDue(d.referralId, d.kind);
    let after: { dueAt: Date; referralId: string; kind: string } | undefined;
    for (;;) {
      const page = await this.agreements.openDeadlines(this.batchSize, after);
      if (!page.length) break;
      const r = await this.timers.ensure(page, handleDue);
      total.open += page.length;
      total.recreated += r.recreated;
      total.processed += r.processed;
      total.failed += r.failed;
      if (page.length < this.batchSize) break;
      after = page[page.length - 1];
    }
    if (total.recreated || total.processed || total.failed) this.log.info(total, 'sla re-sync');
    return total;
  }
}
