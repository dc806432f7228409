import { Worker } from 'bullmq';
import { Container } from '../src/container';
import { RulesRuntime, startRulesWorker } from '../src/rules/rules.worker';
import { startEventsWorker } from './events.worker';
import { startMaintenanceWorker } from './retention.worker';
import { SlaWorker, startSlaWorker } from './sla.worker';
import { startWebhooksWorker, WebhooksWorker } from './webhooks.worker';

export interface RunningWorkers {
  workers: Worker[];
  /** The deadline timers of cooperation agreements (tests call sla.scheduler.resync()). */
  sla: SlaWorker;
  /** The automatic handovers, their check store and timers. */
  rules: RulesRuntime;
  /** Signed deliveries (tests call webhooks.resync() and pause webhooks.worker). */
  webhooks: WebhooksWorker;
  /**
   * Stops the relay, takes no new jobs and waits for the running ones, at most `timeoutMs`
   * (default SHUTDOWN_TIMEOUT_MS); then it rejects, and a job still running is left to its lock:
   * another worker takes it over as stalled.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** Whether `work` settles within `ms` (the timer does not outlive it). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A worker for every queue of `src/jobs/queues.ts`, plus the outbox relay. `lotse worker` runs this
 * alone; `npm start` in-process. Boot fails, and what already started is closed again, when a
 * queue has a job name without a handler or the retention schedule cannot be set up.
 */
export async function startWorkers(container: Container): Promise<RunningWorkers> {
  const started: Array<{ close(): Promise<unknown> }> = [];
  const closeAll = () => Promise.all(started.map((s) => s.close()));
  try {
    const maintenance = await startMaintenanceWorker(container);
    started.push(maintenance);
    const sla = await startSlaWorker(container);
    started.push(sla);
    // The rules' event hooks run in the events worker, their timers on the rules queue.
    const rules = await startRulesWorker(container);
    started.push(rules);
    const webhooks = await startWebhooksWorker(container);
    started.push(webhooks);
    const events = startEventsWorker(container, { rules: rules.hooks });
    started.push(events);
    const workers: Worker[] = [events, maintenance.worker, sla.worker, rules.worker, webhooks.worker];
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    container.relay.start();
    container.log.info({ queues: workers.map((w) => w.name) }, 'workers started');
    return {
      workers,
      sla,
      rules,
      webhooks,
      async close(timeoutMs = container.config.shutdownTimeoutMs) {
        const started = Date.now();
        // At once: the relay queues nothing new, no worker takes a new job; running jobs finish.
        const drained = Promise.all([container.relay.stop(), closeAll()]);
        if (await settlesWithin(drained, timeoutMs)) {
          container.log.info({ ms: Date.now() - started }, 'workers stopped');
          return;
        }
        // Pools are not closed under running jobs (that could hang too): the caller exits with them.
        container.log.warn(
          { timeoutMs },
          'shutdown timeout: jobs still running are left to their lock and taken over by another worker',
        );
        throw new Error(`workers still had running jobs after ${timeoutMs} ms`);
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
