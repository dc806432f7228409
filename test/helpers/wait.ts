import type { Job, Worker } from 'bullmq';
import { eventually, TestApp } from './app';

type Subgraph = keyof TestApp['container']['subgraphs'];

/**
 * Waits until the events worker acknowledged an outbox event: every consumer of it (biography,
 * rules, notifications, webhooks) has run, so what it did not do it will not do later.
 */
export async function eventHandled(
  app: Pick<TestApp, 'container'>,
  source: Subgraph,
  eventId: string,
  timeoutMs = 15000,
): Promise<void> {
  const sql = `SELECT acked_at FROM "${source}".outbox WHERE id = $1`;
  const ds = app.container.subgraphs[source].dataSource;
  await eventually(async () => (await ds.query(sql, [eventId]))[0]?.acked_at, timeoutMs);
}

/**
 * Runs `trigger`, then waits until `worker` has finished the job `jobId`; returns the job's result.
 * A test that asserts a job changed nothing must first know the job ran, or it passes while the job
 * still waits. The listeners are in place before the trigger, so a job that finishes at once is not
 * missed; a failed attempt rejects (a job that failed has shown nothing).
 */
export async function afterJob<R = unknown>(
  worker: Worker,
  jobId: string,
  trigger: () => Promise<unknown>,
  timeoutMs = 15000,
): Promise<R> {
  let stop = (): void => undefined;
  const finished = new Promise<R>((resolve, reject) => {
    const onCompleted = (job: Job, result: R) => {
      if (job.id !== jobId) return;
      stop();
      resolve(result);
    };
    const onFailed = (job: Job | undefined, err: Error) => {
      if (job?.id !== jobId) return;
      stop();
      reject(new Error(`job ${jobId} failed: ${err.message}`));
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`job ${jobId} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    stop = () => {
      clearTimeout(timer);
      worker.off('completed', onCompleted);
      worker.off('failed', onFailed);
    };
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
  });
  try {
    await trigger();
  } catch (err) {
    stop();
    throw err;
  }
  return finished;
}
