import { Worker } from 'bullmq';
import { Container } from '../src/container';
import { startEventsWorker } from './events.worker';

export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

/** Every queue's processor plus the outbox relay. `lotse worker` runs this alone; `npm start` in-process. */
export async function startWorkers(container: Container): Promise<RunningWorkers> {
  const workers: Worker[] = [startEventsWorker(container)];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  container.relay.start();
  container.log.info({ queues: workers.map((w) => w.name) }, 'workers started');
  return {
    workers,
    async close() {
      await container.relay.stop();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
