import type { JobName, QueueOf } from '../jobs/job.registry';
import type { rulesQueue } from '../jobs/queues';
import type { Clock } from '../shared/time';
import type { RuleCheck, RuleCheckStore } from './rule-support';

const RULES_JOB = 'due' satisfies JobName<typeof rulesQueue>;

/** Deterministic: one timer per rule and person, whoever schedules it. */
export const ruleJobId = (rule: string, personId: string): string => `rule.${rule}.${personId}`;

/** Keeps one delayed job per pending check on the `rules` queue (delay = due_at − clock.now()). */
export class RuleScheduler {
  constructor(
    readonly queue: QueueOf<typeof rulesQueue>,
    private readonly clock: Clock,
  ) {}

  async schedule(check: Pick<RuleCheck, 'rule' | 'personId' | 'dueAt'>): Promise<void> {
    await this.queue.add(
      RULES_JOB,
      { rule: check.rule, personId: check.personId },
      {
        jobId: ruleJobId(check.rule, check.personId),
        delay: Math.max(0, check.dueAt.getTime() - this.clock.now().getTime()),
      },
    );
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
      await this.queue.addBulk(
        pending.map((c) => ({
          name: RULES_JOB,
          data: { rule: c.rule, personId: c.personId },
          opts: { jobId: ruleJobId(c.rule, c.personId), delay: Math.max(0, c.dueAt.getTime() - now) },
        })),
      );
    }
    for (const c of due) {
      const job = await this.queue.getJob(ruleJobId(c.rule, c.personId));
      if (job && (await job.getState()) === 'delayed') await job.promote();
    }
    return { pending: pending.length, due: due.length };
  }
}
