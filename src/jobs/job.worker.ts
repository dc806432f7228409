import os from 'node:os';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { createRedisConnection, RedisTarget } from '../shared/redis';
import { queueKeyPrefix } from '../shared/redis.keys';
import type { RowSecurityContext } from '../shared/row-security';
import {
  assertJobHandlers,
  JobData,
  JobHandler,
  JobHandlers,
  jobNames,
  QueueDefinition,
  WorkerSettings,
} from './job.registry';

/** What a queue's worker needs from the container. */
export interface QueueWorkerDeps {
  config: Config;
  redisUrl: RedisTarget;
  log: Logger;
  rowSecurity: RowSecurityContext;
}

export const queueLog = (log: Logger, queue: string): Logger => log.child({ component: 'worker', queue });

/**
 * Dispatches a job to the handler of its name. Each job runs as the hub itself in the system
 * context `queue:<name>`: work outside any context is refused by the database layer.
 */
export function jobProcessor<D extends QueueDefinition>(
  def: D,
  handlers: JobHandlers<D>,
  deps: Pick<QueueWorkerDeps, 'log' | 'rowSecurity'>,
) {
  const log = queueLog(deps.log, def.name);
  const byName = handlers as Record<string, JobHandler>;
  return async (job: Job<JobData<D>>, token?: string): Promise<unknown> => {
    const handler = Object.hasOwn(byName, job.name) ? byName[job.name] : undefined;
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    return deps.rowSecurity.system(`queue:${def.name}`, () => handler(job, { token, log }));
  };
}

/**
 * Starts a queue's worker on a blocking connection of its own (closed with the worker). Refuses to
 * start unless every job name has a handler. Failures are logged with ids and error names only.
 */
export function startQueueWorker<D extends QueueDefinition>(
  def: D,
  handlers: JobHandlers<D>,
  deps: QueueWorkerDeps,
  settings: Partial<WorkerSettings> = {},
): Worker<JobData<D>> {
  assertJobHandlers(def.name, jobNames(def), handlers);
  const log = queueLog(deps.log, def.name);
  const connection = createRedisConnection(deps.redisUrl);
  const lockMs = deps.config.workerLockMs;
  const worker = new Worker<JobData<D>>(def.name, jobProcessor(def, handlers, deps), {
    connection,
    prefix: queueKeyPrefix(deps.config.queuePrefix),
    // Stored on each job as `processedBy`: which process ran it, when several share the queues.
    name: `${os.hostname()}/${process.pid}`,
    // A job whose worker died or stopped answering is taken over once its lock runs out (stalled);
    // the check runs as often as the lock lasts, at most BullMQ's default of 30 s apart.
    lockDuration: lockMs,
    stalledInterval: Math.min(lockMs, 30_000),
    ...def.worker(deps.config),
    ...settings,
  });
  const detail = (err: Error) =>
    def.logErrorMessages === false ? { name: err.name } : { name: err.name, message: err.message };
  worker.on('failed', (job, err) => {
    const ids = { jobId: job?.id, jobName: job?.name, attempts: job?.attemptsMade };
    log.warn({ ...ids, err: detail(err) }, `${def.name} job failed`);
  });
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, `${def.name} worker error`));
  worker.on('closed', () => connection.disconnect());
  return worker;
}
