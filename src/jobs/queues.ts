import Redis from 'ioredis';
import type { Logger } from '../shared/logger';
import { EVENT_TYPES, EventJobData, EventType } from '../events/event-types';
import type { DeadlineKind } from '../subgraphs/hub/agreement/agreement.rules';
import { createQueue, defineQueue, job, JobSpec, QueueOf } from './job.registry';

/**
 * Every queue of the hub, one definition each. Jobs carry ids, never personal data: handlers read
 * what they need from PostgreSQL, which stays the source of truth when Redis loses its keys.
 */

/** Every event type is a job name, all with the same data. */
type EventJobs = Record<EventType, JobSpec<EventJobData>>;

/** One job per outbox row (job name = event type, job id = event id). */
export const eventsQueue = defineQueue({
  name: 'events',
  jobs: Object.fromEntries(EVENT_TYPES.map((t) => [t, job<EventJobData>()])) as EventJobs,
  options: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  // Handlers mostly wait on PostgreSQL and Redis round trips (a few milliseconds of CPU per
  // event): more of them at once keeps the hub's pool busy; beyond its size they queue for a connection.
  worker: () => ({ concurrency: 16 }),
  // Many consumers run per event; their errors could quote what they wrote.
  logErrorMessages: false,
});

/** A timer names a deadline of a cooperation agreement; the deadline itself stays in PostgreSQL. */
export interface SlaJobData {
  referralId: string;
  kind: DeadlineKind;
}

/** A timer names a seat offer of a course enrolment (and which offer: its offered_at); the offer stays in PostgreSQL. */
export interface OfferJobData {
  enrolmentId: string;
  /** offered_at in epoch milliseconds: a timer of an earlier offer to the same enrolment finds nothing to do. */
  offeredAt: number;
}

/**
 * One delayed job per open deadline, and one per open seat offer (`offerExpiry`). A timer's job is removed when it completes (its id is then
 * free again); one that keeps failing is kept for a week to be seen, and the next re-sync handles
 * its deadline directly once it is due.
 */
export const slaQueue = defineQueue({
  name: 'sla',
  jobs: { deadline: job<SlaJobData>(), offerExpiry: job<OfferJobData>() },
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  },
  worker: () => ({ concurrency: 4 }),
});

/** A timer names a rule check; the check itself stays in PostgreSQL (hub.rule_check). */
export interface RulesJobData {
  rule: string;
  personId: string;
}

/**
 * One delayed job per pending check. Completed timers are removed, so their id is free for a
 * re-sync; a failed one is re-created by the next re-sync.
 */
export const rulesQueue = defineQueue({
  name: 'rules',
  jobs: { due: job<RulesJobData>() },
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: true,
  },
  worker: () => ({ concurrency: 4 }),
});

export interface WebhookJobData {
  deliveryId: string;
  /** Which attempt (1-based) this job makes; a job for an attempt already made is dropped. */
  attempt: number;
  /** W3C trace context of the work that queued the attempt (event.handle, webhook.deliver), when tracing is on. */
  traceparent?: string;
}

/** One job per attempt of a delivery. */
export const webhooksQueue = defineQueue({
  name: 'webhooks',
  jobs: { deliver: job<WebhookJobData>() },
  options: {
    // Retries here are for the hub's own failures (database, Redis); the receiver's failures are
    // recorded as attempts and retried on the delivery's schedule with a new job.
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  },
  worker: ({ webhooks }) => ({
    concurrency: webhooks.concurrency,
    // A job whose worker died is taken over when its lock runs out.
    lockDuration: webhooks.lockDurationMs,
    stalledInterval: Math.min(webhooks.lockDurationMs, 30_000),
    // A delivery outlives crashed workers; PostgreSQL keeps it from being sent twice per attempt.
    maxStalledCount: 10,
  }),
});

/** Jobs carry options only, never personal data. */
export interface MaintenanceJobData {
  dryRun?: boolean;
}

/**
 * Housekeeping that is not a domain event: retention, the audit log's signed checkpoints
 * (`checkpoint`, every AUDIT_CHECKPOINT_EVERY_MINUTES) and the daily lapse of unused
 * entitlements (`entitlementLapse`), the nightly rebuild of the indicator facts
 * (`indicatorFacts`: what changed without an event, e.g. a deadline that passed). A retention run erases in committed
 * batches, so a retry continues where a failed run stopped; a job that still fails is kept for a
 * week to be seen (a checkpoint job fails when the chain does not verify).
 */
export const maintenanceQueue = defineQueue({
  name: 'maintenance',
  jobs: {
    retention: job<MaintenanceJobData>(),
    checkpoint: job<MaintenanceJobData>(),
    // The daily sweep of unused entitlements (ENTITLEMENT_LAPSE_DAYS without course activity).
    entitlementLapse: job<MaintenanceJobData>(),
    // The nightly rebuild of the indicator facts (docs/indicators.md#facts).
    indicatorFacts: job<MaintenanceJobData>(),
  },
  options: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    removeOnComplete: { age: 30 * 24 * 3600, count: 100 },
    removeOnFail: { age: 7 * 24 * 3600, count: 100 },
  },
  worker: () => ({ concurrency: 1 }),
});

/** The index: every queue there is. Each has a worker, started by `startWorkers`. */
export const QUEUES = {
  events: eventsQueue,
  sla: slaQueue,
  rules: rulesQueue,
  webhooks: webhooksQueue,
  maintenance: maintenanceQueue,
} as const;

export type Queues = { [K in keyof typeof QUEUES]: QueueOf<(typeof QUEUES)[K]> };

/** The producers of every queue, on one shared (non-blocking) connection; their connection errors go to `log`. */
export function createQueues(connection: Redis, prefix: string, log: Logger): Queues {
  return {
    events: createQueue(eventsQueue, connection, prefix, log),
    sla: createQueue(slaQueue, connection, prefix, log),
    rules: createQueue(rulesQueue, connection, prefix, log),
    webhooks: createQueue(webhooksQueue, connection, prefix, log),
    maintenance: createQueue(maintenanceQueue, connection, prefix, log),
  };
}
