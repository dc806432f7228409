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
  close(): Promise<void>;
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
      async close() {
        await container.relay.stop();
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
