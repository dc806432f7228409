import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * The link a person chose to make between themselves and their feedback
 * (city.feedback_person_link). Due `retain_days` after the feedback's month (the first of that
 * month: the feedback keeps no finer date, on purpose). Only the link is erased: the feedback
 * itself holds no personal data and stays for the statistics, anonymous again.
 */
export class CityFeedbackLinkRetentionTask implements RetentionTask {
  readonly name = 'city.feedback_person_link';
  readonly recordType = 'feedback_link' as const;
  readonly actions = ['erase'] as const;
  readonly categories: readonly DataCategory[] = ['case_notes'];
  readonly hasPurpose = false;

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT l.feedback_id AS id, l.person_id, r.id AS rule_id, 'case_notes'::text AS category, r.action
        FROM city.feedback_person_link l
        JOIN city.client_feedback f ON f.id = l.feedback_id
        JOIN rules r ON r.category = 'case_notes' AND r.purpose IS NULL
       WHERE f.month + r.retain_days < ($2::timestamptz AT TIME ZONE 'Europe/Berlin')::date`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY l.feedback_id LIMIT $3 FOR UPDATE OF l SKIP LOCKED`, [
      rulesJson(rules),
      now.toISOString(),
      limit,
    ]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, 'DELETE FROM city.feedback_person_link WHERE feedback_id = ANY($1::uuid[]) RETURNING 1', [
      candidates.map((c) => c.id),
    ]);
  }
}
