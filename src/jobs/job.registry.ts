import { DefaultJobOptions, Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';

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

export function createQueue<D extends QueueDefinition>(
  def: D,
  connection: Redis,
  prefix: string,
  log?: Logger,
): QueueOf<D> {
  const queue = new Queue<JobData<D>>(def.name, { connection, prefix, defaultJobOptions: def.options });
  // Without a listener BullMQ prints every connection error to the console (bypassing the log). The
  // shared connection's own listener already warns of the outage once per error: debug here.
  queue.on('error', (err) =>
    log?.debug({ queue: def.name, err: { name: err.name, message: err.message } }, 'queue connection error'),
  );
  return queue;
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
