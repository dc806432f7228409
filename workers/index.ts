import { Worker } from 'bullmq';
import { Container } from '../src/container';
import { startEventsWorker } from './events.worker';
import { startMaintenanceWorker } from './retention.worker';
import { SlaWorker, startSlaWorker } from './sla.worker'; // agreements
import { RulesRuntime, startRulesWorker } from '../src/rules/rules.worker'; // rules
import { startWebhooksWorker, WebhooksWorker } from './webhooks.worker'; // webhooks

export interface RunningWorkers {
  workers: Worker[];
  /** agreements: the deadline timers (tests call sla.scheduler.resync()). */
  sla: SlaWorker;
  /** rules: the automatic handovers, their check store and timers. */
  rules: RulesRuntime;
  /** webhooks: the delivery worker (tests call webhooks.resync() and pause webhooks.worker). */
  webhooks: WebhooksWorker;
  close(): Promise<void>;
}

/** Every queue's processor plus the outbox relay. `lotse worker` runs this alone; `npm start` in-process. */
export async function startWorkers(container: Container): Promise<RunningWorkers> {
  // --- retention: the maintenance queue and its job scheduler (boot fails on a bad schedule or a missing handler) ---
  const maintenance = await startMaintenanceWorker(container);
  // --- end retention ---
  // --- agreements: the sla queue; its timers are re-created from PostgreSQL at start and every SLA_RESYNC_SECONDS ---
  const sla = await startSlaWorker(container);
  // --- end agreements ---
  // --- rules: RULES_ENABLED; their event hooks run in the events worker, their timers on the rules queue ---
  const rules = await startRulesWorker(container);
  // --- end rules ---
  // --- webhooks: signed deliveries; pending ones are queued again from PostgreSQL at start and every WEBHOOK_RESYNC_SECONDS ---
  const webhooks = await startWebhooksWorker(container);
  // --- end webhooks ---
  const workers: Worker[] = [startEventsWorker(container, { rules: rules.hooks }), maintenance.worker, sla.worker, rules.worker, webhooks.worker];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  container.relay.start();
  container.log.info({ queues: workers.map((w) => w.name) }, 'workers started');
  return {
    workers,
    sla,
    rules,
    webhooks, // webhooks
    async close() {
      await container.relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      await maintenance.close(); // retention: its queue and schedule check
      await sla.close(); // agreements: its queue and re-sync timer
      await rules.close(); // rules: its queue and re-sync timer
      await webhooks.close(); // webhooks: its re-sync timer
    },
  };
}
