import { Logger } from '../../../shared/logger';
import { Clock } from '../../../shared/time';
import type { JobName, QueueOf } from '../../../jobs/job.registry';
import type { slaQueue } from '../../../jobs/queues';
import type { EnrolmentService, OfferTimers } from './enrolment.service';
import type { PendingOffer } from './enrolment.waitlist';

/** `offer.<enrolmentId>.<offeredAt ms>`: one timer per offer (BullMQ ids must not contain ':'). */
export const offerJobId = (enrolmentId: string, offeredAt: Date | number): string =>
  `offer.${enrolmentId}.${typeof offeredAt === 'number' ? offeredAt : offeredAt.getTime()}`;

/**
 * One BullMQ delayed job per open seat offer on the `sla` queue (delay = offer_expires_at −
 * clock.now()). PostgreSQL stays the truth: the handler re-reads the enrolment and passes on only
 * an offer still open and due by the Clock (EnrolmentService.expireOffer), so a timer that fires
 * twice, or a re-sync racing a timer, passes an offer on once.
 */
export class OfferQueueTimers implements OfferTimers {
  constructor(
    readonly queue: QueueOf<typeof slaQueue>,
    private readonly clock: Clock,
  ) {}

  async schedule(offers: PendingOffer[]): Promise<void> {
    if (!offers.length) return;
    const now = this.clock.now().getTime();
    await this.queue.addBulk(
      offers.map((o) => ({
        name: 'offerExpiry' satisfies JobName<typeof slaQueue>,
        data: { enrolmentId: o.enrolmentId, offeredAt: o.offeredAt.getTime() },
        opts: { jobId: offerJobId(o.enrolmentId, o.offeredAt), delay: Math.max(0, o.offerExpiresAt.getTime() - now) },
      })),
    );
  }
}

/**
 * Redis keeps nothing on disk: at worker start and on every SLA re-sync, each open offer gets its
 * timer again (adding an existing job id is a no-op; a finished one is replaced), and an offer
 * already due by the Clock is passed on at once.
 */
export async function resyncOffers(
  enrolments: EnrolmentService,
  timers: OfferQueueTimers,
  clock: Clock,
  log: Logger,
  batchSize = 500,
): Promise<{ open: number; processed: number; failed: number }> {
  const total = { open: 0, processed: 0, failed: 0 };
  let after: { offerExpiresAt: Date; enrolmentId: string } | undefined;
  for (;;) {
    const page = await enrolments.openOffers(batchSize, after);
    if (!page.length) break;
    total.open += page.length;
    const now = clock.now().getTime();
    const later = page.filter((o) => o.offerExpiresAt.getTime() > now);
    const states = await Promise.all(
      later.map((o) => timers.queue.getJobState(offerJobId(o.enrolmentId, o.offeredAt))),
    );
    const finished = later.filter((_, i) => states[i] === 'failed' || states[i] === 'completed');
    for (const o of finished) await timers.queue.remove(offerJobId(o.enrolmentId, o.offeredAt));
    await timers.schedule(later.filter((_, i) => ['unknown', 'failed', 'completed'].includes(states[i])));
    for (const o of page.filter((x) => x.offerExpiresAt.getTime() <= now)) {
      try {
        await enrolments.expireOffer(o.enrolmentId, o.offeredAt.getTime());
        total.processed++;
      } catch (err) {
        total.failed++;
        const e = err as Error;
        log.warn(
          { jobId: offerJobId(o.enrolmentId, o.offeredAt), err: { name: e.name } },
          'overdue offer not passed on',
        );
      }
    }
    if (page.length < batchSize) break;
    const last = page[page.length - 1];
    after = { offerExpiresAt: last.offerExpiresAt, enrolmentId: last.enrolmentId };
  }
  if (total.processed || total.failed) log.info(total, 'offer re-sync');
  return total;
}
