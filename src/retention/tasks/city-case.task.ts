import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * The tables holding a case's rows, children first: the delete runs in this order (the help plan
 * refers to goals, everything to the case). A new table with a `case_id` must be added here, or
 * the case's delete fails on its foreign key and the batch rolls back (nothing half-erased).
 */
export const CASE_CHILD_TABLES = ['case_help_plan_item', 'case_goal', 'case_appointment', 'case_assessment'] as const;

/**
 * Closed cases (city.client_case) with everything recorded in them: assessments, goals,
 * appointments and help-plan items. Due `retain_days` after closed_at; an open case is never due.
 * The whole case is one record under category `case_notes`, health assessments included: the
 * file (Akte) is kept and erased as a whole, so one rule governs it (docs/data-protection.md).
 *
 * Erased, not pseudonymised: a case without its person says nothing useful that the anonymous
 * statistics and the biography do not already keep, and its wording (goals, situations) could
 * identify the person on its own. Deleting the rows marks them done: they are never due again.
 */
export class CityCaseRetentionTask implements RetentionTask {
  readonly name = 'city.client_case';
  readonly recordType = 'case' as const;
  readonly actions = ['erase'] as const;
  readonly categories: readonly DataCategory[] = ['case_notes'];
  readonly hasPurpose = false;

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT c.id, c.person_id, r.id AS rule_id, 'case_notes'::text AS category, r.action
        FROM city.client_case c
        JOIN rules r ON r.category = 'case_notes' AND r.purpose IS NULL
       WHERE c.closed_at IS NOT NULL
         AND c.closed_at < $2::timestamptz - make_interval(days => r.retain_days)`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY c.closed_at, c.id LIMIT $3 FOR UPDATE OF c SKIP LOCKED`, [
      rulesJson(rules),
      now.toISOString(),
      limit,
    ]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  /** Children first, then the cases; returns the cases deleted (the service compares it with the batch). */
  async apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    const ids = candidates.map((c) => c.id);
    for (const table of CASE_CHILD_TABLES)
      await em.query(`DELETE FROM city.${table} WHERE case_id = ANY($1::uuid[])`, [ids]);
    return changedRows(em, 'DELETE FROM city.client_case WHERE id = ANY($1::uuid[]) RETURNING 1', [ids]);
  }
}
