import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * Arrival counselling visits (city.arrival_visit). Due `retain_days` after the visit's last day:
 * the day it was held (held_on), or for a visit that did not take place or is still only planned
 * the last planned day (planned_on), or the family's follow-up contact (follow_up_on) when that
 * is later. Dates are days in Europe/Berlin, as the team records them. A plan left open for the
 * whole period is due as well: nobody records a visit years after its day, and an open plan
 * must not keep a family's data for ever.
 *
 * Erased, not pseudonymised: the row is about one family's visit; the reports count visits when
 * they are written and keep no reference to the row.
 */
export class CityArrivalVisitRetentionTask implements RetentionTask {
  readonly name = 'city.arrival_visit';
  readonly recordType = 'arrival_visit' as const;
  readonly actions = ['erase'] as const;
  readonly categories: readonly DataCategory[] = ['case_notes'];
  readonly hasPurpose = false;

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    // GREATEST ignores NULLs: follow_up_on only counts when there is one.
    return `WITH ${rulesCte('$1')}
      SELECT v.id, v.person_id, r.id AS rule_id, 'case_notes'::text AS category, r.action
        FROM city.arrival_visit v
        JOIN rules r ON r.category = 'case_notes' AND r.purpose IS NULL
       WHERE GREATEST(coalesce(v.held_on, v.planned_on), v.follow_up_on) + r.retain_days
             < ($2::timestamptz AT TIME ZONE 'Europe/Berlin')::date`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY v.planned_on, v.id LIMIT $3 FOR UPDATE OF v SKIP LOCKED`, [
      rulesJson(rules),
      now.toISOString(),
      limit,
    ]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, 'DELETE FROM city.arrival_visit WHERE id = ANY($1::uuid[]) RETURNING 1', [
      candidates.map((c) => c.id),
    ]);
  }
}
