import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { JobData, JobHandler, JobHandlers } from '../src/jobs/job.registry';
import { startResync, withResync } from '../src/jobs/job.resync';
import { queueLog, startQueueWorker } from '../src/jobs/job.worker';
import { slaQueue } from '../src/jobs/queues';
import { isDeadlineKind } from '../src/subgraphs/hub/agreement/agreement.rules';
import { SlaScheduler } from '../src/subgraphs/hub/agreement/sla.scheduler';
import { resyncOffers } from '../src/subgraphs/courses/enrolment/enrolment.timers';

export function slaHandlers(container: Container): JobHandlers<typeof slaQueue> {
  const agreements = container.subgraphs.hub.services.agreements;
  const enrolments = container.subgraphs.courses.services.enrolments;
  return {
    async deadline(job, { token }) {
      const { referralId, kind } = job.data ?? {};
      if (!referralId || !kind || !isDeadlineKind(kind))
        throw new UnrecoverableError(`Malformed deadline job ${job.id}`);
      const result = await agreements.processDue(referralId, kind);
      if (result.outcome === 'wait') {
        // BullMQ's delay ran on real time, the deadline is kept on the Clock: wait for the rest.
        await job.moveToDelayed(Date.now() + result.waitMs, token);
        throw new DelayedError();
      }
      return result.outcome;
    },
    // A seat offer of a course enrolment ran out unanswered: the seat passes to the next one.
    async offerExpiry(job, { token }) {
      const { enrolmentId, offeredAt } = job.data ?? {};
      if (!enrolmentId || typeof offeredAt !== 'number') throw new UnrecoverableError(`Malformed offer job ${job.id}`);
      const { outcome } = await enrolments.expireOffer(enrolmentId, offeredAt);
      if (outcome.outcome === 'wait') {
        // BullMQ's delay ran on real time, the offer's expiry is kept on the Clock: wait for the rest.
        await job.moveToDelayed(Date.now() + outcome.waitMs, token);
        throw new DelayedError();
      }
      return outcome.outcome;
    },
  };
}

export interface SlaWorker {
  worker: Worker<JobData<typeof slaQueue>>;
  queue: SlaScheduler['queue'];
  /** Tests call `scheduler.resync()`: what the worker does at start and every SLA_RESYNC_SECONDS. */
  scheduler: Pick<SlaScheduler, 'queue' | 'resync'>;
  close(): Promise<void>;
}

/**
 * The `sla` queue's worker: it handles the deadline timers that the agreements service sets (in
 * whichever process consumes the events). At start, every SLA_RESYNC_SECONDS and when the Redis
 * connection is back after a loss, the timers are re-created from PostgreSQL (Redis may have lost
 * them) and what is already due is handled at once.
 */
export async function startSlaWorker(
  container: Container,
  opts: { handlers?: Record<string, JobHandler>; resyncMs?: number } = {},
): Promise<SlaWorker> {
  // Injected handlers (tests) are checked at boot like the real ones.
  const handlers = (opts.handlers as JobHandlers<typeof slaQueue> | undefined) ?? slaHandlers(container);
  const worker = startQueueWorker(slaQueue, handlers, container);
  const log = queueLog(container.log, slaQueue.name);
  const scheduler = new SlaScheduler(container.schedulers.deadlines, container.subgraphs.hub.services.agreements, log);
  const everyMs = opts.resyncMs ?? container.config.slaResyncSeconds * 1000;
  // Seat offers of course enrolments share the queue and the re-sync's rhythm.
  const offers = () =>
    resyncOffers(container.subgraphs.courses.services.enrolments, container.schedulers.offers, container.clock, log);
  const resync = await startResync(
    'sla',
    everyMs,
    async () => ({ ...(await scheduler.resync()), offers: await offers() }),
    {
      log,
      rowSecurity: container.rowSecurity,
      reconnects: container.redis,
    },
  );
  return {
    queue: scheduler.queue,
    scheduler: { queue: scheduler.queue, resync: resync.run },
    ...withResync(worker, resync, () => scheduler.idle()),
  };
}
