import { DataSource, EntityManager } from 'typeorm';
import { DATA_CATEGORIES } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * Biography entries (hub.biography_entry): due `retain_days` after the event (occurred_at), by
 * the entry's data category. Erased (deleted): an entry holds codes about one person and nothing
 * else. Biography entries carry no purpose, so only rules for any purpose apply (at most one per
 * category). The index biography_retention (category, occurred_at) serves this query.
 */
export class HubBiographyRetentionTask implements RetentionTask {
  readonly name = 'hub.biography_entry';
  readonly recordType = 'biography_entry' as const;
  readonly actions = ['erase'] as const;
  readonly categories = DATA_CATEGORIES;
  readonly hasPurpose = false;

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT b.event_id AS id, b.person_id, r.id AS rule_id, b.category, r.action
        FROM hub.biography_entry b
        JOIN rules r ON r.category = b.category AND r.purpose IS NULL
       WHERE b.occurred_at < $2::timestamptz - make_interval(days => r.retain_days)`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY b.occurred_at, b.event_id LIMIT $3 FOR UPDATE OF b SKIP LOCKED`, [rulesJson(rules), now.toISOString(), limit]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, 'DELETE FROM hub.biography_entry WHERE event_id = ANY($1::uuid[]) RETURNING 1', [candidates.map((c) => c.id)]);
  }
}
