import { Queue } from 'bullmq';
import { Logger } from '../../../shared/logger';
import { Clock } from '../../../shared/time';
import { DeadlineKind, DeadlineTimers, OpenDeadline, deadlineJobId } from './agreement.rules';
import { AgreementService } from './agreement.service';

export const SLA_QUEUE = 'sla';
/** Every job name of the `sla` queue; the worker refuses to boot unless each has a handler. */
export const SLA_JOBS = ['deadline'] as const;
export type SlaJobName = (typeof SLA_JOBS)[number];

/** A timer names a deadline; the deadline itself stays in PostgreSQL. */
export interface SlaJobData {
  referralId: string;
  kind: DeadlineKind;
}

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
 * Keeps one BullMQ delayed job per open deadline (job id `<referralId>.<kind>`, delay = due_at −
 * clock.now()). Redis keeps nothing on disk, so `resync()` re-creates lost timers from PostgreSQL
 * and handles what is already due; the handler re-reads PostgreSQL and is idempotent, so a timer
 * that fires twice, or a re-sync racing a timer, breaches a deadline once.
 *
 * BullMQ delays run on real time, the Clock may not: a timer that fires before its deadline by the
 * Clock puts itself back (the worker moves the job to delayed), and a Clock moved forward (tests)
 * takes effect at the next `resync()`, which handles everything due by the Clock.
 */
export class SlaScheduler implements DeadlineTimers {
  private running?: Promise<ResyncResult>;

  constructor(
    readonly queue: Queue<SlaJobData>,
    private readonly agreements: AgreementService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly batchSize = 500,
  ) {}

  /** Makes sure each open deadline has a timer, or handles it at once when it is due. */
  async ensure(deadlines: OpenDeadline[]): Promise<{ recreated: number; processed: number; failed: number }> {
    const now = this.clock.now().getTime();
    const due = deadlines.filter((d) => d.dueAt.getTime() <= now);
    const later = deadlines.filter((d) => d.dueAt.getTime() > now);
    let recreated = 0;
    if (later.length) {
      // Only what Redis does not hold: adding an existing job id would be a no-op anyway, but this counts what was lost.
      const states = await Promise.all(later.map((d) => this.queue.getJobState(deadlineJobId(d.referralId, d.kind))));
      // A finished job (failed for good, or kept completed) would block its id: the deadline is still open, so it goes.
      const finished = later.filter((_, i) => states[i] === 'failed' || states[i] === 'completed');
      for (const d of finished) await this.queue.remove(deadlineJobId(d.referralId, d.kind));
      const missing = later.filter((_, i) => states[i] === 'unknown' || states[i] === 'failed' || states[i] === 'completed');
      if (missing.length) {
        await this.queue.addBulk(
          missing.map((d) => ({
            name: 'deadline' satisfies SlaJobName,
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
        await this.agreements.processDue(d.referralId, d.kind);
        processed++;
      } catch (err) {
        failed++;
        this.log.warn({ jobId: deadlineJobId(d.referralId, d.kind), err: { name: (err as Error).name, message: (err as Error).message } }, 'overdue deadline could not be handled; next re-sync retries');
      }
    }
    return { recreated, processed, failed };
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
    let after: { dueAt: Date; referralId: string; kind: string } | undefined;
    for (;;) {
      const page = await this.agreements.openDeadlines(this.batchSize, after);
      if (!page.length) break;
      const r = await this.ensure(page);
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
