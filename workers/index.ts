import { Worker } from 'bullmq';
import { Container } from '../src/container';
import { startEventsWorker } from './events.worker';
import { startMaintenanceWorker } from './retention.worker';

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Every queue's processor plus the outbox relay. `lotse worker` runs this alone; `npm start` in-process. */
export async function startWorkers(container: Container): Promise<RunningWorkers> {
  // --- retention: the maintenance queue and its job scheduler (boot fails on a bad schedule or a missing handler) ---
  const maintenance = await startMaintenanceWorker(container);
  // --- end retention ---
  const workers: Worker[] = [startEventsWorker(container), maintenance.worker];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  container.relay.start();
  container.log.info({ queues: workers.map((w) => w.name) }, 'workers started');
  return {
    workers,
    async close() {
      await container.relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      await maintenance.close(); // retention: its queue and schedule check
    },
  };
}
