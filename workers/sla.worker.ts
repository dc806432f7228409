import { DelayedError, Job, JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { createRedisConnection } from '../src/events/queues';
import { isDeadlineKind } from '../src/subgraphs/hub/agreement/agreement.rules';
import { SLA_JOBS, SLA_QUEUE, SlaJobData, SlaJobName, SlaScheduler } from '../src/subgraphs/hub/agreement/sla.scheduler';
import { assertJobHandlers } from './job-handlers';

export type SlaHandler = (job: Job<SlaJobData>, token?: string) => Promise<unknown>;

/**
 * A timer's job is removed when it completes (its id is then free again); one that keeps failing
 * is kept for a week to be seen, and the next re-sync handles its deadline directly once it is due.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

export function createSlaQueue(container: Container): Queue<SlaJobData> {
  return new Queue<SlaJobData>(SLA_QUEUE, { connection: container.redis, prefix: container.config.queuePrefix, defaultJobOptions: JOB_OPTIONS });
}

export function slaHandlers(container: Container): Record<SlaJobName, SlaHandler> {
  const agreements = container.subgraphs.hub.services.agreements;
  return {
    async deadline(job, token) {
      const { referralId, kind } = job.data ?? ({} as SlaJobData);
      if (!referralId || !kind || !isDeadlineKind(kind)) throw new UnrecoverableError(`Malformed deadline job ${job.id}`);
      const result = await agreements.processDue(referralId, kind);
      if (result.outcome === 'wait') {
        // BullMQ's delay ran on real time, the deadline is kept on the Clock: wait for the rest.
        await job.moveToDelayed(Date.now() + result.waitMs, token);
        throw new DelayedError();
      }
      return result.outcome;
    },
  };
}

export interface SlaWorker {
  worker: Worker<SlaJobData>;
  queue: Queue<SlaJobData>;
  scheduler: SlaScheduler;
  close(): Promise<void>;
}

/**
 * The `sla` queue: one delayed job per open deadline of a cooperation agreement. At start and
 * every SLA_RESYNC_SECONDS the timers are re-created from PostgreSQL (Redis may have lost them)
 * and what is already due is handled at once. Boot fails when a job name has no handler.
 */
export async function startSlaWorker(container: Container, opts: { handlers?: Record<string, SlaHandler>; resyncMs?: number } = {}): Promise<SlaWorker> {
  const handlers: Record<string, SlaHandler> = opts.handlers ?? slaHandlers(container);
  assertJobHandlers(SLA_QUEUE, SLA_JOBS, handlers);
  const log = container.log.child({ component: 'worker', queue: SLA_QUEUE });
  const agreements = container.subgraphs.hub.services.agreements;
  const queue = createSlaQueue(container);
  const scheduler = new SlaScheduler(queue, agreements, container.clock, log);
  const connection = createRedisConnection(container.redisUrl);
  const worker = new Worker<SlaJobData>(
    SLA_QUEUE,
    async (job, token) => {
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
      return handler(job, token);
    },
    { connection, prefix: container.config.queuePrefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, jobName: job?.name, attempts: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'sla job failed'));
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, 'sla worker error'));
  worker.on('closed', () => connection.disconnect());

  // New deadlines written by this process's events consumer get their timers at once.
  agreements.useTimers(scheduler);
  const resync = () =>
    scheduler.resync().catch((err) => {
      log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'sla re-sync failed; retried at the next interval');
      return undefined;
    });
  await resync();
  const timer = setInterval(() => void resync(), opts.resyncMs ?? container.config.slaResyncSeconds * 1000);
  timer.unref();

  return {
    worker,
    queue,
    scheduler,
    async close() {
      clearInterval(timer);
      agreements.useTimers(null);
      await scheduler.idle();
      await worker.close();
      await queue.close();
    },
  };
}
