import { Job, UnrecoverableError, Worker } from 'bullmq';
import { Container } from '../src/container';
import { EventJobData, EventType } from '../src/events/event-types';
import { LiveEventPublisher } from '../src/events/live-events';
import { JobData, JobHandler, JobHandlers } from '../src/jobs/job.registry';
import { jobProcessor, startQueueWorker } from '../src/jobs/job.worker';
import { eventsQueue } from '../src/jobs/queues';
import { EventHandler, hubEventHandlers } from '../src/subgraphs/hub/hub.consumers';
import { SpanKind } from '../src/shared/tracing';

/**
 * The `events` queue's handlers, one per event type: the job names an outbox row by id. The row
 * is read from PostgreSQL (Redis never holds the payload), the event's consumers run (each
 * idempotent on the event id), then the row is acknowledged so the relay stops re-sending it, and
 * its ids go out on Redis pub/sub for the gateways' live subscriptions.
 */
export function eventsHandlers(
  container: Container,
  consumers: Record<EventType, EventHandler>,
): JobHandlers<typeof eventsQueue> {
  const stores = new Map(container.outboxStores.map((s) => [s.source, s]));
  const liveLog = container.log.child({ component: 'live-events' });
  const live = new LiveEventPublisher(container.redis, container.config.queuePrefix, liveLog);
  const { tracing } = container;
  const handle = (consumer: EventHandler) => {
    const run = handleEvent(consumer);
    // The trace continues from the relay's `outbox.publish` (the job's traceparent), ids only.
    return (job: Job<EventJobData>): Promise<void> =>
      tracing.span(
        'event.handle',
        {
          kind: SpanKind.CONSUMER,
          parent: job.data.traceparent ?? null,
          attributes: {
            'lotse.event.id': job.data.eventId,
            'lotse.event.type': job.name,
            'lotse.event.source': job.data.source,
            'lotse.job.attempt': job.attemptsMade + 1,
          },
        },
        () => run(job),
      );
  };
  const handleEvent =
    (consumer: EventHandler) =>
    async (job: Job<EventJobData>): Promise<void> => {
      const store = stores.get(job.data.source);
      if (!store) throw new UnrecoverableError(`Unknown event source ${job.data.source}`);
      const event = await store.get(job.data.eventId);
      if (!event) throw new UnrecoverableError(`Event ${job.data.eventId} not found in ${job.data.source}`);
      if (event.ackedAt) return;
      await consumer(event, store.source);
      await store.ack(event.id);
      // Once handled; a failed publish is logged (live delivery is at most once).
      await live.publish(event);
    };
  const handlers: Record<string, JobHandler<EventJobData>> = {};
  for (const [type, consumer] of Object.entries(consumers)) handlers[type] = handle(consumer);
  return handlers as JobHandlers<typeof eventsQueue>;
}

/** Handles one job as the worker would (tests hand events to it directly). */
export function createEventsProcessor(container: Container, consumers: Record<EventType, EventHandler>) {
  return jobProcessor(eventsQueue, eventsHandlers(container, consumers), container);
}

export function startEventsWorker(
  container: Container,
  opts: { concurrency?: number; rules?: Partial<Record<EventType, EventHandler>> } = {},
): Worker<JobData<typeof eventsQueue>> {
  const hub = container.subgraphs.hub;
  const consumers = hubEventHandlers(hub.services, hub.dataSource, opts.rules, container.tracing); // src/rules
  const settings = opts.concurrency ? { concurrency: opts.concurrency } : {};
  return startQueueWorker(eventsQueue, eventsHandlers(container, consumers), container, settings);
}
