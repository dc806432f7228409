import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEntryInput, AuditLog } from '../audit/audit.service';
import { systemSubject } from '../shared/actor';
import { Logger } from '../shared/logger';
import { RowSecurityContext } from '../shared/row-security';
import { Clock } from '../shared/time';
import { loadRules, RetentionRuleError, validateRules } from './retention.rules';
import { RecordType, RetentionCandidate, RetentionRule, RetentionTask, RetentionTaskSummary } from './retention.types';
import { CityPersonRetentionTask } from './tasks/city-person.task';
import {
  hubBiographyRetention,
  hubNotificationRetention,
  hubWebhookDeliveryRetention,
} from './tasks/hub-aged-rows.task';
import { HubConsentRetentionTask } from './tasks/hub-consent.task';
import { CityArrivalVisitRetentionTask } from './tasks/city-arrival-visit.task';
import { CityCaseRetentionTask } from './tasks/city-case.task';
import { CityFeedbackLinkRetentionTask } from './tasks/city-feedback-link.task';

/** Rows per transaction: short transactions, short locks, and a crash loses at most one batch. */
export const RETENTION_BATCH_SIZE = 500;

export interface RetentionRunOptions {
  dryRun?: boolean;
  /** 1–500; tests use small batches to exercise several transactions. */
  batchSize?: number;
}

export interface RetentionServiceOptions {
  /** The hub's DataSource: retention rules and the partner register are hub data. */
  hub: DataSource;
  tasks: RetentionTask[];
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /** Retention reads every municipality's records: it runs in the system context `retention`. */
  rowSecurity: RowSecurityContext;
  /**
   * Told of the records a committed batch erased or pseudonymised (ids of its record type), so
   * what was derived from them elsewhere follows: the hub's indicator facts of an erased case or
   * visit go. A failure is logged; the next rebuild of the facts catches up.
   */
  afterBatch?: (recordType: RecordType, ids: string[]) => Promise<void>;
}

/** The system context retention runs in; its audit entries carry the subject `system:retention`. */
export const RETENTION_CONTEXT = 'retention';

/**
 * Retention (DSGVO Art. 5(1)(e), 17; SGB X § 84): per record type, data category and purpose, a
 * rule (hub.retention_rule, set by the data-protection officer) says how long records are kept
 * and whether they are then erased or pseudonymised. A run reads the rules once, then runs every
 * task batch by batch; each batch is one transaction on the task's own schema in which the
 * records are erased and one `erasure` audit entry per person and rule is appended, so the
 * erasure and its record commit together or not at all. The audit log itself is never touched:
 * it holds only pseudonyms of person ids, so its chain keeps verifying after any erasure.
 *
 * Restartable and idempotent: what is erased or pseudonymised is never due again, so a second run
 * (or the retry of a run that failed half-way) does only what is left. A dry run counts and
 * writes nothing.
 */
export class RetentionService {
  constructor(private readonly opts: RetentionServiceOptions) {}

  get tasks(): readonly RetentionTask[] {
    return this.opts.tasks;
  }

  /** The rules, checked against the vocabulary and the tasks; throws RetentionRuleError listing every problem. */
  async rules(): Promise<RetentionRule[]> {
    const rules = await loadRules(this.opts.hub);
    const problems = validateRules(rules, this.opts.tasks);
    if (problems.length) throw new RetentionRuleError(problems);
    return rules;
  }

  /** Runs every task, as the hub (whoever calls: the maintenance job, the CLI, a test). */
  run(options: RetentionRunOptions = {}): Promise<RetentionTaskSummary[]> {
    return this.opts.rowSecurity.system(RETENTION_CONTEXT, () => this.runAll(options));
  }

  private async runAll(options: RetentionRunOptions): Promise<RetentionTaskSummary[]> {
    const dryRun = options.dryRun ?? false;
    const batchSize = Math.trunc(options.batchSize ?? RETENTION_BATCH_SIZE);
    if (!(batchSize >= 1 && batchSize <= RETENTION_BATCH_SIZE))
      throw new Error(`retention: batchSize must be 1 to ${RETENTION_BATCH_SIZE}`);
    // Refuse before touching anything when a rule is wrong.
    const rules = await this.rules();
    // One instant for the whole run, so every batch applies the same cut-off.
    const now = this.opts.clock.now();
    // Identifies this run's audit entries (as a request id does a request's).
    const runId = `retention:${randomUUID()}`;
    const summaries: RetentionTaskSummary[] = [];
    const failed: string[] = [];
    for (const task of this.opts.tasks) {
      const taskRules = rules.filter((r) => r.recordType === task.recordType);
      try {
        const summary = dryRun
          ? await this.countTask(task, taskRules, now)
          : await this.runTask(task, taskRules, now, batchSize, runId);
        this.opts.log.info({ ...summary }, dryRun ? 'retention dry run' : 'retention task done');
        summaries.push(summary);
      } catch (err) {
        // One broken task does not hold up the others; the run still fails, so the job is retried.
        // Name and code only: a database message can quote values.
        const e = err as Error & { code?: string };
        this.opts.log.error({ task: task.name, err: { name: e.name, code: e.code } }, 'retention task failed');
        failed.push(`${task.name} (${e.name}${e.code ? ` ${e.code}` : ''})`);
      }
    }
    if (failed.length)
      throw new Error(`retention failed for ${failed.join(', ')}; committed batches stay done, a new run continues`);
    return summaries;
  }

  private async countTask(task: RetentionTask, rules: RetentionRule[], now: Date): Promise<RetentionTaskSummary> {
    const empty = {
      task: task.name,
      recordType: task.recordType,
      dryRun: true,
      erased: 0,
      pseudonymised: 0,
      persons: 0,
      batches: 0,
      auditEntries: 0,
    };
    if (!rules.length) return empty;
    const due = await task.countDue(now, rules);
    return { ...empty, erased: due.erase, pseudonymised: due.pseudonymise, persons: due.persons };
  }

  private async runTask(
    task: RetentionTask,
    rules: RetentionRule[],
    now: Date,
    batchSize: number,
    runId: string,
  ): Promise<RetentionTaskSummary> {
    const summary: RetentionTaskSummary = {
      task: task.name,
      recordType: task.recordType,
      dryRun: false,
      erased: 0,
      pseudonymised: 0,
      persons: 0,
      batches: 0,
      auditEntries: 0,
    };
    if (!rules.length) return summary;
    const ruleById = new Map(rules.map((r) => [r.id, r]));
    const persons = new Set<string>();
    let previous = new Set<string>();
    for (;;) {
      let changedIds: string[] = [];
      const done = await task.dataSource.transaction(async (em) => {
        const batch = await task.due(em, now, rules, batchSize);
        if (!batch.length) return 0;
        // Done records are never due again; seeing one again means the task would loop forever.
        if (batch.some((c) => previous.has(c.id)))
          throw new Error(`retention ${task.name}: a record was due again after it was processed`);
        previous = new Set(batch.map((c) => c.id));
        const changed = await task.apply(em, batch, now);
        // The rows are locked: anything but all of them means the task is broken. Roll back.
        if (changed !== batch.length)
          throw new Error(`retention ${task.name}: changed ${changed} rows of ${batch.length} due`);
        const entries = this.auditEntries(task, batch, ruleById, runId);
        // Late in the transaction: append holds the audit chain's lock until commit.
        await this.opts.audit.append(em, entries);
        for (const c of batch) {
          if (c.action === 'erase') summary.erased++;
          else summary.pseudonymised++;
          persons.add(c.personId);
        }
        summary.auditEntries += entries.length;
        summary.batches++;
        changedIds = batch.map((c) => c.id);
        return batch.length;
      });
      if (changedIds.length) await this.tellAfterBatch(task, changedIds);
      if (done < batchSize) break;
    }
    summary.persons = persons.size;
    return summary;
  }

  private async tellAfterBatch(task: RetentionTask, ids: string[]): Promise<void> {
    if (!this.opts.afterBatch) return;
    try {
      await this.opts.afterBatch(task.recordType, ids);
    } catch (err) {
      // Name and code only: a database message can quote values.
      const e = err as Error & { code?: string };
      this.opts.log.warn({ task: task.name, err: { name: e.name, code: e.code } }, 'retention follow-up failed');
    }
  }

  /** One `erasure` entry per person, rule and category in the batch: a pseudonym, codes and counts. */
  private auditEntries(
    task: RetentionTask,
    batch: RetentionCandidate[],
    ruleById: Map<string, RetentionRule>,
    runId: string,
  ): AuditEntryInput[] {
    const groups = new Map<string, { c: RetentionCandidate; count: number }>();
    for (const c of batch) {
      const key = `${c.personId}\u0000${c.ruleId}\u0000${c.category}`;
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { c, count: 1 });
    }
    return [...groups.values()].map(({ c, count }) => {
      const rule = ruleById.get(c.ruleId);
      return {
        kind: 'erasure',
        partner: 'lotse',
        subject: systemSubject(RETENTION_CONTEXT),
        requestId: runId,
        personId: c.personId,
        categories: [c.category],
        purpose: rule?.purpose ?? null,
        basis: `retention_rule:${c.ruleId}`,
        operation: 'retention',
        detail: {
          task: task.name,
          record: task.recordType,
          action: c.action,
          count,
          retainDays: rule?.retainDays ?? null,
        },
      };
    });
  }
}

/**
 * The retention service with every task there is. Each task gets its own subgraph's DataSource;
 * the hub's partner register supplies the areas the city task needs (read by the service, as
 * the policy decision point reads hub data for every subgraph).
 */
export function createRetentionService(deps: {
  hub: DataSource;
  city: DataSource;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  rowSecurity: RowSecurityContext;
  afterBatch?: RetentionServiceOptions['afterBatch'];
}): RetentionService {
  const servedAreas = async (): Promise<string[]> => {
    const rows: Array<{ area: string }> = await deps.hub.query(
      'SELECT DISTINCT unnest(jurisdiction) AS area FROM hub.partner',
    );
    return rows.map((r) => r.area);
  };
  return new RetentionService({
    hub: deps.hub,
    audit: deps.audit,
    clock: deps.clock,
    log: deps.log,
    rowSecurity: deps.rowSecurity,
    afterBatch: deps.afterBatch,
    tasks: [
      hubBiographyRetention(deps.hub),
      new HubConsentRetentionTask(deps.hub),
      new CityPersonRetentionTask(deps.city, servedAreas),
      hubNotificationRetention(deps.hub),
      hubWebhookDeliveryRetention(deps.hub),
      new CityCaseRetentionTask(deps.city),
      new CityArrivalVisitRetentionTask(deps.city),
      new CityFeedbackLinkRetentionTask(deps.city),
    ],
  });
}
