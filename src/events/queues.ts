import { Queue, QueueOptions } from 'bullmq';
import Redis, { RedisOptions } from 'ioredis';
import { EventJobData } from './event-types';

export const QUEUE_NAMES = { events: 'events' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** BullMQ needs maxRetriesPerRequest: null on the connections its workers block on. */
export function createRedisConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

export function createEventsQueue(connection: Redis, prefix: string): Queue<EventJobData> {
  const opts: QueueOptions = {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 10000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
  return new Queue<EventJobData>(QUEUE_NAMES.events, opts);
}
