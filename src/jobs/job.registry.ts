import { DefaultJobOptions, Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { queueKeyPrefix } from '../shared/redis.keys';

/** A job name's data type; it exists for the compiler only (the value is empty). */
export interface JobSpec<Data> {
  readonly data?: Data;
}
export const job = <Data extends object>(): JobSpec<Data> => ({});

/** What a queue's worker is started with; some of it comes from configuration. */
export interface WorkerSettings {
  concurrency: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
}

/**
 * One queue: its name, every job name with the type of its data, the default options of its jobs
 * and its worker's settings. The worker refuses to start unless each job name has a handler.
 */
export interface QueueDefinition<Jobs extends Record<string, object> = Record<string, object>> {
  name: string;
  jobs: { readonly [K in keyof Jobs]: JobSpec<Jobs[K]> };
  options: DefaultJobOptions;
  worker(config: Config): WorkerSettings;
  /** False where handlers' error messages may quote data: failures are then logged by error name only. */
  logErrorMessages?: boolean;
}

export function defineQueue<Jobs extends Record<string, object>>(def: QueueDefinition<Jobs>): QueueDefinition<Jobs> {
  return def;
}

export type JobsOf<D> = D extends QueueDefinition<infer J> ? J : never;
export type JobName<D> = keyof JobsOf<D> & string;
export type JobData<D> = JobsOf<D>[JobName<D>];
export type QueueOf<D> = Queue<JobData<D>>;

/** What a handler gets besides its job: the worker's lock token and a logger that names the queue. */
export interface JobContext {
  token?: string;
  log: Logger;
}
export type JobHandler<Data = any> = (job: Job<Data>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers<D> = { [K in JobName<D>]: JobHandler<JobsOf<D>[K]> };

export const jobNames = (def: QueueDefinition): string[] => Object.keys(def.jobs);

/** A queue's connection errors are logged at most this often (an outage raises one per reconnect attempt). */
export const QUEUE_ERROR_LOG_EVERY_MS = 60_000;

/**
 * The producer side of a queue. Its connection errors are logged as warnings (without a listener
 * BullMQ prints each one to the console), at most once per `QUEUE_ERROR_LOG_EVERY_MS`.
 */
export function createQueue<D extends QueueDefinition>(
  def: D,
  connection: Redis,
  prefix: string,
  log: Logger,
): QueueOf<D> {
  const queue = new Queue<JobData<D>>(def.name, {
    connection,
    prefix: queueKeyPrefix(prefix),
    defaultJobOptions: def.options,
  });
  const queueLog = log.child({ component: 'queue', queue: def.name });
  queue.on('error', throttledWarn(queueLog, `${def.name} queue error`, QUEUE_ERROR_LOG_EVERY_MS));
  return queue;
}

/**
 * Logs an error as a warning at once, then at most once per `everyMs`; the next warning says how
 * many were left out meanwhile. Name, code and message only: connection errors name hosts, never data.
 */
export function throttledWarn(log: Logger, msg: string, everyMs: number, now = Date.now): (err: Error) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (err) => {
    const t = now();
    if (t - last < everyMs) {
      suppressed++;
      return;
    }
    last = t;
    const code = (err as NodeJS.ErrnoException).code;
    log.warn({ err: { name: err.name, code, message: err.message }, ...(suppressed ? { suppressed } : {}) }, msg);
    suppressed = 0;
  };
}

/**
 * Refuses to boot unless every job name of a queue has a handler and every handler a known job
 * name: a job nobody handles would otherwise wait in Redis forever.
 */
export function assertJobHandlers(queue: string, names: readonly string[], handlers: Record<string, unknown>): void {
  const missing = names.filter((n) => typeof handlers[n] !== 'function');
  const unknown = Object.keys(handlers).filter((n) => !names.includes(n));
  if (missing.length || unknown.length) {
    const problems = [
      missing.length ? `no handler for ${missing.join(', ')}` : '',
      unknown.length ? `unknown job names ${unknown.join(', ')}` : '',
    ];
    throw new Error(`${queue} worker: ${problems.filter(Boolean).join('; ')}`);
  }
}
