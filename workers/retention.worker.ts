import { assertJobHandlers } from './job-handlers';
import { Job, JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import { Container } from '../src/container';
import { createRedisConnection } from '../src/events/queues';
import { RetentionRuleError } from '../src/retention/retention.rules';
import { RetentionTaskSummary } from '../src/retention/retention.types';

/** Housekeeping jobs that are not domain events: retention now, others later (each needs a handler). */
export const MAINTENANCE_QUEUE = 'maintenance';
export const MAINTENANCE_JOBS = ['retention'] as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOBS)[number];

/** The job scheduler's id (one per installation and queue prefix) and the time zone of its pattern. */
export const RETENTION_SCHEDULER_ID = 'retention';
export const RETENTION_TIME_ZONE = 'Europe/Berlin';

/** Jobs carry options only, never personal data. */
export interface MaintenanceJobData {
  dryRun?: boolean;
}

export type RetentionJobResult = { skipped: 'disabled' } | { summaries: RetentionTaskSummary[] };
export type MaintenanceHandler = (job: Job<MaintenanceJobData>) => Promise<unknown>;


/**
 * A run erases in committed batches, so a retry continues where a failed run stopped. A job that
 * still fails is kept for a week to be seen; logs and the return value carry counts only.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 60_000 },
  removeOnComplete: { age: 30 * 24 * 3600, count: 100 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100 },
};

export function createMaintenanceQueue(connection: Redis, prefix: string): Queue<MaintenanceJobData> {
  return new Queue<MaintenanceJobData>(MAINTENANCE_QUEUE, { connection, prefix, defaultJobOptions: JOB_OPTIONS });
}

export function maintenanceHandlers(container: Container): Record<MaintenanceJobName, MaintenanceHandler> {
  const log = container.log.child({ component: 'worker', queue: MAINTENANCE_QUEUE });
  return {
    async retention(job): Promise<RetentionJobResult> {
      const dryRun = job.data?.dryRun === true;
      if (!container.config.retentionEnabled && !dryRun) {
        log.warn({ jobId: job.id }, 'retention is disabled (RETENTION_ENABLED=false): job skipped');
        return { skipped: 'disabled' };
      }
      const started = Date.now();
      const summaries = await container.retention.run({ dryRun }).catch((err: unknown) => {
        // Wrong rules stay wrong on retry: fail at once (the message names rules, never persons).
        throw err instanceof RetentionRuleError ? new UnrecoverableError(err.message) : err;
      });
      const total = (k: 'erased' | 'pseudonymised' | 'persons') => summaries.reduce((n, s) => n + s[k], 0);
      log.info({ jobId: job.id, dryRun, tasks: summaries.length, erased: total('erased'), pseudonymised: total('pseudonymised'), persons: total('persons'), ms: Date.now() - started }, 'retention run finished');
      return { summaries };
    },
  };
}

/** Creates or updates the job scheduler (RETENTION_ENABLED) or removes it; Redis may have lost it, so this runs at every start. */
export async function ensureRetentionSchedule(queue: Queue<MaintenanceJobData>, container: Container): Promise<void> {
  if (!container.config.retentionEnabled) {
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern: container.config.retentionSchedule, tz: RETENTION_TIME_ZONE },
    { name: 'retention' satisfies MaintenanceJobName, data: {}, opts: JOB_OPTIONS },
  );
}

export interface MaintenanceWorker {
  worker: Worker<MaintenanceJobData>;
  queue: Queue<MaintenanceJobData>;
  close(): Promise<void>;
}

/**
 * The `maintenance` queue: its worker (one job at a time) and the retention job scheduler
 * (RETENTION_SCHEDULE, Europe/Berlin). The scheduler is created at every start and checked every
 * `scheduleCheckMs` (default 10 min) while running, because Redis may lose everything.
 */
export async function startMaintenanceWorker(
  container: Container,
  opts: { handlers?: Record<string, MaintenanceHandler>; scheduleCheckMs?: number } = {},
): Promise<MaintenanceWorker> {
  const handlers: Record<string, MaintenanceHandler> = opts.handlers ?? maintenanceHandlers(container);
  assertJobHandlers(MAINTENANCE_QUEUE, MAINTENANCE_JOBS, handlers);
  const log = container.log.child({ component: 'worker', queue: MAINTENANCE_QUEUE });
  const queue = createMaintenanceQueue(container.redis, container.config.queuePrefix);
  try {
    // Fails the boot on a pattern the scheduler cannot use.
    await ensureRetentionSchedule(queue, container);
  } catch (err) {
    await queue.close();
    throw new Error(`maintenance worker: cannot set up the retention schedule "${container.config.retentionSchedule}": ${(err as Error).message}`);
  }
  const connection = createRedisConnection(container.redisUrl);
  const worker = new Worker<MaintenanceJobData>(
    MAINTENANCE_QUEUE,
    async (job) => {
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
      return handler(job);
    },
    { connection, prefix: container.config.queuePrefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, jobName: job?.name, attempts: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'maintenance job failed'));
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, 'maintenance worker error'));
  worker.on('closed', () => connection.disconnect());

  const timer = setInterval(() => {
    if (!container.config.retentionEnabled) return;
    queue
      .getJobScheduler(RETENTION_SCHEDULER_ID)
      .then(async (existing) => {
        if (existing) return;
        await ensureRetentionSchedule(queue, container);
        log.warn('retention job scheduler was missing (Redis lost it?); re-created');
      })
      .catch((err) => log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'retention schedule check failed'));
  }, opts.scheduleCheckMs ?? 10 * 60_000);
  timer.unref();

  return {
    worker,
    queue,
    async close() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}
