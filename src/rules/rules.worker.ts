import { DelayedError, Worker } from 'bullmq';
import type { Container } from '../container';
import type { EventType } from '../events/event-types';
import { JobData, JobHandler, JobHandlers } from '../jobs/job.registry';
import { startResync, withResync } from '../jobs/job.resync';
import { queueLog, startQueueWorker } from '../jobs/job.worker';
import { rulesQueue } from '../jobs/queues';
import type { Clock } from '../shared/time';
import { createGate, RuleCheckStore, RuleDeps } from './rule-support';
import { createRuleSet, RuleHook, RuleSet } from './rules';
import { RuleScheduler } from './rules.scheduler';

export interface RulesRuntime {
  /** Per event type, what the enabled rules do; the events worker runs them after the hub's own handlers. */
  hooks: Partial<Record<EventType, RuleHook>>;
  ruleSet: RuleSet;
  store: RuleCheckStore;
  scheduler: RuleScheduler;
  worker: Worker<JobData<typeof rulesQueue>>;
  queue: RuleScheduler['queue'];
  /** Re-creates lost timers and runs what is due by the Clock now (also every 10 minutes and on reconnect). */
  resync(): Promise<{ pending: number; due: number }>;
  close(): Promise<void>;
}

/** A timer fired: the check is read from PostgreSQL and handled once it is due by the Clock. */
export function rulesHandlers(store: RuleCheckStore, ruleSet: RuleSet, clock: Clock): JobHandlers<typeof rulesQueue> {
  return {
    async due(job, { token, log }) {
      const { rule, personId } = job.data ?? {};
      const check = rule && personId ? await store.get(rule, personId) : null;
      if (!check || check.doneAt) return 'done';
      const waitMs = check.dueAt.getTime() - clock.now().getTime();
      if (waitMs > 1000) {
        // BullMQ's delay ran on real time, the due date is kept on the Clock: wait for the rest.
        await job.moveToDelayed(Date.now() + waitMs, token);
        throw new DelayedError();
      }
      const outcome = await ruleSet.due(check);
      log.info({ jobId: job.id, rule, outcome }, 'rule check handled');
      return outcome;
    },
  };
}

/**
 * The rules (RULES_ENABLED) and the `rules` queue's worker: one delayed job per pending check. At
 * start, every `resyncMs` (default 10 min) and when the Redis connection is back after a loss, the
 * timers of pending checks are re-created from PostgreSQL, because Redis may have lost them; a
 * check already due fires at once.
 */
export async function startRulesWorker(
  container: Container,
  opts: { resyncMs?: number; handlers?: Record<string, JobHandler> } = {},
): Promise<RulesRuntime> {
  const { config, clock } = container;
  const log = queueLog(container.log, rulesQueue.name);
  const hub = container.subgraphs.hub;
  const store = new RuleCheckStore(hub.dataSource, clock);
  const scheduler = container.schedulers.rules;
  const enabledSince = await container.rowSecurity.system('rules', () => store.enable(config.rules.enabled));
  const deps: RuleDeps = {
    hub: hub.dataSource,
    referrals: hub.services.referrals,
    outbox: container.outbox,
    persons: container.persons,
    // The same port the events worker tells of referrals sent (wired in container.ts to the city).
    arrivals: hub.services.arrivals,
    checks: store,
    entitlements: container.subgraphs.courses.services.entitlementUse,
    // Enrolments in courses outside the new municipality end as transferred; their seats pass on.
    enrolments: {
      transferForMove: async (personId, _from, to, eventId) => {
        await container.subgraphs.courses.services.enrolments.transferForMove(undefined, personId, to, eventId);
      },
    },
    schedule: (check) => scheduler.schedule(check),
    clock,
    log: log.child({ component: 'rules' }),
    params: config.rules.params,
    exclusive: createGate(),
  };
  const ruleSet = createRuleSet(deps, config.rules.enabled, enabledSince);
  // Injected handlers (tests) are checked at boot like the real ones.
  const handlers =
    (opts.handlers as JobHandlers<typeof rulesQueue> | undefined) ?? rulesHandlers(store, ruleSet, clock);
  const worker = startQueueWorker(rulesQueue, handlers, container);
  const requeue = () => scheduler.resync(store, config.rules.enabled);
  const resync = await startResync('rules', opts.resyncMs ?? 10 * 60_000, requeue, {
    log,
    rowSecurity: container.rowSecurity,
    reconnects: container.redis,
  });
  if (config.rules.enabled.length) log.info({ rules: config.rules.enabled }, 'rules enabled');

  return { hooks: ruleSet.hooks, ruleSet, store, scheduler, queue: scheduler.queue, ...withResync(worker, resync) };
}
