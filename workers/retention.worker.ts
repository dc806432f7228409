import { UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { assertJobHandlers, JobData, JobHandler, JobHandlers, JobName, jobNames } from '../src/jobs/job.registry';
import { startResync, withResync } from '../src/jobs/job.resync';
import { queueLog, startQueueWorker } from '../src/jobs/job.worker';
import { maintenanceQueue, Queues } from '../src/jobs/queues';
import { RetentionRuleError } from '../src/retention/retention.rules';
import { RetentionTaskSummary } from '../src/retention/retention.types';
import {
  AUDIT_CHECKPOINT_SCHEDULER_ID,
  auditCheckpointHandler,
  ensureAuditCheckpointSchedule,
} from './audit-checkpoint.worker';

/** The job scheduler's id (one per installation and queue prefix) and the time zone of its pattern. */
export const RETENTION_SCHEDULER_ID = 'retention';
export const RETENTION_TIME_ZONE = 'Europe/Berlin';

export type RetentionJobResult = { skipped: 'disabled' } | { summaries: RetentionTaskSummary[] };

export function maintenanceHandlers(container: Container): JobHandlers<typeof maintenanceQueue> {
  return {
    async retention(job, { log }): Promise<RetentionJobResult> {
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
      log.info(
        {
          jobId: job.id,
          dryRun,
          tasks: summaries.length,
          erased: total('erased'),
          pseudonymised: total('pseudonymised'),
          persons: total('persons'),
          ms: Date.now() - started,
        },
        'retention run finished',
      );
      return { summaries };
    },
    checkpoint: auditCheckpointHandler(container),
    async entitlementLapse(job, { log }) {
      const lapsed = await container.subgraphs.courses.services.entitlementUse.lapseDue();
      log.info({ jobId: job.id, lapsed }, 'entitlement lapse sweep finished');
      return { lapsed };
    },
    async indicatorFacts(job, { log }) {
      const started = Date.now();
      const counts = await container.subgraphs.hub.services.indicatorFacts.rebuild();
      log.info({ jobId: job.id, counts, ms: Date.now() - started }, 'indicator facts rebuilt');
      return { counts };
    },
  };
}

/**
 * The nightly rebuild of the indicator facts (04:15 Europe/Berlin, after retention and the lapse
 * sweep): the events worker keeps them current, this catches what changes without an event.
 */
export const INDICATOR_FACTS_SCHEDULER_ID = 'indicator-facts';

export async function ensureIndicatorFactsSchedule(queue: Queues['maintenance']): Promise<void> {
  await queue.upsertJobScheduler(
    INDICATOR_FACTS_SCHEDULER_ID,
    { pattern: '15 4 * * *', tz: RETENTION_TIME_ZONE },
    { name: 'indicatorFacts' satisfies JobName<typeof maintenanceQueue>, data: {}, opts: maintenanceQueue.options },
  );
}

/** The daily lapse sweep's scheduler (Europe/Berlin, after retention); the sweep itself is idempotent. */
export const ENTITLEMENT_LAPSE_SCHEDULER_ID = 'entitlement-lapse';

export async function ensureEntitlementLapseSchedule(queue: Queues['maintenance']): Promise<void> {
  await queue.upsertJobScheduler(
    ENTITLEMENT_LAPSE_SCHEDULER_ID,
    { pattern: '45 3 * * *', tz: RETENTION_TIME_ZONE },
    { name: 'entitlementLapse' satisfies JobName<typeof maintenanceQueue>, data: {}, opts: maintenanceQueue.options },
  );
}

/** Creates or updates the job scheduler (RETENTION_ENABLED) or removes it; Redis may have lost it, so this runs at every start (and the worker's check re-creates it). */
export async function ensureRetentionSchedule(queue: Queues['maintenance'], container: Container): Promise<void> {
  if (!container.config.retentionEnabled) {
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern: container.config.retentionSchedule, tz: RETENTION_TIME_ZONE },
    { name: 'retention' satisfies JobName<typeof maintenanceQueue>, data: {}, opts: maintenanceQueue.options },
  );
}

export interface MaintenanceWorker {
  worker: Worker<JobData<typeof maintenanceQueue>>;
  queue: Queues['maintenance'];
  close(): Promise<void>;
}

/**
 * The `maintenance` queue's worker (one job at a time) and its job schedulers: retention
 * (RETENTION_SCHEDULE, Europe/Berlin), audit checkpoints (AUDIT_CHECKPOINT_EVERY_MINUTES) and the
 * daily entitlement lapse sweep (03:45 Europe/Berlin) and the nightly indicator facts rebuild (04:15).
 * The schedulers are created at every start and checked every `scheduleCheckMs` (default 10 min)
 * while running, because Redis may lose everything; also when the Redis connection is ready again
 * after a loss: a Redis restarted empty drops it first, and the next interval could be far off.
 */
export async function startMaintenanceWorker(
  container: Container,
  opts: { handlers?: Record<string, JobHandler>; scheduleCheckMs?: number } = {},
): Promise<MaintenanceWorker> {
  const log = queueLog(container.log, maintenanceQueue.name);
  const queue = container.queues.maintenance;
  // Injected handlers (tests) are checked at boot like the real ones.
  const handlers =
    (opts.handlers as JobHandlers<typeof maintenanceQueue> | undefined) ?? maintenanceHandlers(container);
  assertJobHandlers(maintenanceQueue.name, jobNames(maintenanceQueue), handlers);
  try {
    // Fails the boot on a pattern the scheduler cannot use.
    await ensureRetentionSchedule(queue, container);
  } catch (err) {
    throw new Error(
      `maintenance worker: cannot set up the retention schedule "${container.config.retentionSchedule}": ${(err as Error).message}`,
      { cause: err },
    );
  }
  await ensureAuditCheckpointSchedule(queue, container);
  await ensureEntitlementLapseSchedule(queue);
  await ensureIndicatorFactsSchedule(queue);
  const worker = startQueueWorker(maintenanceQueue, handlers, container);
  const check = async () => {
    if (
      container.config.auditCheckpointEveryMinutes > 0 &&
      !(await queue.getJobScheduler(AUDIT_CHECKPOINT_SCHEDULER_ID))
    ) {
      await ensureAuditCheckpointSchedule(queue, container);
      log.warn('audit checkpoint job scheduler was missing (Redis lost it?); re-created');
    }
    if (!(await queue.getJobScheduler(ENTITLEMENT_LAPSE_SCHEDULER_ID))) {
      await ensureEntitlementLapseSchedule(queue);
      log.warn('entitlement lapse job scheduler was missing (Redis lost it?); re-created');
    }
    if (!(await queue.getJobScheduler(INDICATOR_FACTS_SCHEDULER_ID))) {
      await ensureIndicatorFactsSchedule(queue);
      log.warn('indicator facts job scheduler was missing (Redis lost it?); re-created');
    }
    if (!container.config.retentionEnabled || (await queue.getJobScheduler(RETENTION_SCHEDULER_ID))) return;
    await ensureRetentionSchedule(queue, container);
    log.warn('retention job scheduler was missing (Redis lost it?); re-created');
  };
  const everyMs = opts.scheduleCheckMs ?? 10 * 60_000;
  const schedule = await startResync('maintenance', everyMs, check, {
    log,
    rowSecurity: container.rowSecurity,
    atStart: false,
    reconnects: container.redis,
  });

  return { queue, ...withResync(worker, schedule) };
}
