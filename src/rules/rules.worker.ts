import { DelayedError, Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { Container } from '../container';
import type { EventType } from '../events/event-types';
import { createRedisConnection } from '../events/queues';
import type { Logger } from '../shared/logger';
import type { Clock } from '../shared/time';
import { createGate, RuleCheck, RuleCheckStore, RuleDeps } from './rule-support';
import { createRuleSet, RuleHook, RuleSet } from './rules';

export const RULES_QUEUE = 'rules';
export const RULES_JOB = 'due';

/** A timer names a check; the check itself stays in PostgreSQL (hub.rule_check). */
export interface RulesJobData {
  rule: string;
  personId: string;
}

/** Deterministic: one timer per rule and person, whoever schedules it. */
export const ruleJobId = (rule: string, personId: string): string => `rule.${rule}.${personId}`;

/** Completed timers are removed, so their id is free for a re-sync; a failed one is re-created by the next re-sync. */
const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** Keeps one delayed job per pending check (delay = due_at − clock.now()). */
export class RuleScheduler {
  constructor(
    readonly queue: Queue<RulesJobData>,
    private readonly clock: Clock,
  ) {}

  async schedule(check: Pick<RuleCheck, 'rule' | 'personId' | 'dueAt'>): Promise<void> {
    await this.queue.add(RULES_JOB, { rule: check.rule, personId: check.personId }, { jobId: ruleJobId(check.rule, check.personId), delay: Math.max(0, check.dueAt.getTime() - this.clock.now().getTime()) });
  }

  /**
   * Re-creates the timers of pending checks (adding an existing job id is a no-op). A check due by
   * the Clock whose timer still waits (the Clock moved, or Redis lost the timer) is made to run now:
   * only the worker handles checks, one job per check, so a check is never handled twice at once.
   */
  async resync(store: RuleCheckStore, rules: readonly string[]): Promise<{ pending: number; due: number }> {
    const pending = await store.pending(rules);
    const now = this.clock.now().getTime();
    const due = pending.filter((c) => c.dueAt.getTime() <= now);
    if (pending.length) {
      await this.queue.addBulk(pending.map((c) => ({ name: RULES_JOB, data: { rule: c.rule, personId: c.personId }, opts: { jobId: ruleJobId(c.rule, c.personId), delay: Math.max(0, c.dueAt.getTime() - now) } })));
    }
    for (const c of due) {
      const job = await this.queue.getJob(ruleJobId(c.rule, c.personId));
      if (job && (await job.getState()) === 'delayed') await job.promote();
    }
    return { pending: pending.length, due: due.length };
  }
}

export interface RulesRuntime {
  /** Per event type, what the enabled rules do; the events worker runs them after the hub's own handlers. */
  hooks: Partial<Record<EventType, RuleHook>>;
  ruleSet: RuleSet;
  store: RuleCheckStore;
  scheduler: RuleScheduler;
  worker: Worker<RulesJobData>;
  queue: Queue<RulesJobData>;
  /** Re-creates lost timers and runs what is due by the Clock now (also every 10 minutes). */
  resync(): Promise<{ pending: number; due: number }>;
  close(): Promise<void>;
}

/**
 * The rules (RULES_ENABLED) and the `rules` queue: one delayed job per pending check. At start and
 * every `resyncMs` (default 10 min) the timers of pending checks are re-created from PostgreSQL,
 * because Redis may have lost them; a check already due fires at once.
 */
export async function startRulesWorker(container: Container, opts: { resyncMs?: number } = {}): Promise<RulesRuntime> {
  const { config, clock } = container;
  const log: Logger = container.log.child({ component: 'worker', queue: RULES_QUEUE });
  const hub = container.subgraphs.hub;
  const store = new RuleCheckStore(hub.dataSource, clock);
  const enabledSince = await store.enable(config.rules.enabled);
  const queue = new Queue<RulesJobData>(RULES_QUEUE, { connection: container.redis, prefix: config.queuePrefix, defaultJobOptions: JOB_OPTIONS });
  const scheduler = new RuleScheduler(queue, clock);
  const deps: RuleDeps = {
    hub: hub.dataSource,
    referrals: hub.services.referrals,
    outbox: container.outbox,
    persons: container.persons,
    checks: store,
    schedule: (check) => scheduler.schedule(check),
    clock,
    log: log.child({ component: 'rules' }),
    params: config.rules.params,
    exclusive: createGate(),
  };
  const ruleSet = createRuleSet(deps, config.rules.enabled, enabledSince);

  const connection = createRedisConnection(container.redisUrl);
  const worker = new Worker<RulesJobData>(
    RULES_QUEUE,
    // Every job runs as the hub, under its queue's name (row-security.ts): the rules read persons.
    (job: Job<RulesJobData>, token?: string) => container.rowSecurity.system(`queue:${RULES_QUEUE}`, async () => {
      const { rule, personId } = job.data ?? ({} as RulesJobData);
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
    }),
    { connection, prefix: config.queuePrefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'rule check failed; the next re-sync tries again'));
  worker.on('error', (err) => log.warn({ err: { name: err.name, message: err.message } }, 'rules worker error'));
  worker.on('closed', () => connection.disconnect());

  const resync = () =>
    scheduler.resync(store, config.rules.enabled).catch((err) => {
      log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'rules re-sync failed; retried at the next interval');
      return { pending: 0, due: 0 };
    });
  await resync();
  const timer = setInterval(() => void resync(), opts.resyncMs ?? 10 * 60_000);
  timer.unref();
  if (config.rules.enabled.length) log.info({ rules: config.rules.enabled }, 'rules enabled');

  return {
    hooks: ruleSet.hooks,
    ruleSet,
    store,
    scheduler,
    worker,
    queue,
    resync,
    async close() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}
