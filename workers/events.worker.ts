import { Job, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { EVENT_TYPES, EventJobData, EventType } from '../src/events/event-types';
import { assertJobHandlers } from './job-handlers';
import { QUEUE_NAMES, createRedisConnection } from '../src/events/queues';
import { EventHandler, hubEventHandlers } from '../src/subgraphs/hub/hub.consumers';
import { LiveEventPublisher } from '../src/events/live-events'; // subscriptions


/**
 * The `events` queue: each job names an outbox row by id. The row is read from PostgreSQL (Redis
 * never holds the payload), every consumer runs (each idempotent on the event id), then the row
 * is acknowledged so the relay stops re-sending it.
 */
export function createEventsProcessor(container: Container, handlers: Record<EventType, EventHandler>) {
  const stores = new Map(container.outboxStores.map((s) => [s.source, s]));
  // --- subscriptions: ids only, on Redis pub/sub, for the gateways' live subscriptions ---
  const live = new LiveEventPublisher(container.redis, container.config.queuePrefix, container.log.child({ component: 'live-events' }));
  // --- end subscriptions ---
  // Every job runs as the hub, under its queue's name (row-security.ts).
  const context = `queue:${QUEUE_NAMES.events}`;
  return (job: Job<EventJobData>): Promise<void> => container.rowSecurity.system(context, async () => {
    const handler = handlers[job.name as EventType];
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    const store = stores.get(job.data.source);
    if (!store) throw new UnrecoverableError(`Unknown event source ${job.data.source}`);
    const event = await store.get(job.data.eventId);
    if (!event) throw new UnrecoverableError(`Event ${job.data.eventId} not found in ${job.data.source}`);
    if (event.ackedAt) return;
    await handler(event, store.source);
    await store.ack(event.id);
    // --- subscriptions: once handled (a failed publish is logged; live delivery is at most once) ---
    await live.publish(event);
    // --- end subscriptions ---
  });
}

export function startEventsWorker(container: Container, opts: { concurrency?: number; rules?: Partial<Record<EventType, EventHandler>> } = {}): Worker<EventJobData> {
  const handlers = hubEventHandlers(container.subgraphs.hub.services, container.subgraphs.hub.dataSource, opts.rules); // rules: src/rules
  assertJobHandlers(QUEUE_NAMES.events, EVENT_TYPES, handlers);
  const log = container.log.child({ component: 'worker', queue: QUEUE_NAMES.events });
  const connection = createRedisConnection(container.redisUrl);
  const worker = new Worker<EventJobData>(QUEUE_NAMES.events, createEventsProcessor(container, handlers), {
    connection,
    prefix: container.config.queuePrefix,
    concurrency: opts.concurrency ?? 8,
  });
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, jobName: job?.name, attempts: job?.attemptsMade, err: { name: err.name } }, 'event job failed'));
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, 'events worker error'));
  // A connection we pass in is ours to close.
  worker.on('closed', () => connection.disconnect());
  return worker;
}
