import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * Consents (hub.consent) that have ended: due `retain_days` after the earlier of withdrawal and
 * expiry (valid_until); an active consent is never due. Until then the row is the controller's
 * evidence that processing rested on consent (DSGVO Art. 7(1), 5(2)); then it is erased.
 * A consent record is identity data (docs/data-protection.md), so rules name category
 * `identity`; a rule naming the consent's purpose beats the rule for any purpose.
 */
export class HubConsentRetentionTask implements RetentionTask {
  readonly name = 'hub.consent';
  readonly recordType = 'consent' as const;
  readonly actions = ['erase'] as const;
  readonly categories: readonly DataCategory[] = ['identity'];
  readonly hasPurpose = true;

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    // LEAST ignores NULLs: withdrawn_at, valid_until or the earlier of both; NULL (active, no end) is never due.
    return `WITH ${rulesCte('$1')}
      SELECT c.id, c.person_id, r.id AS rule_id, 'identity'::text AS category, r.action
        FROM hub.consent c
        CROSS JOIN LATERAL (
          SELECT * FROM rules r
           WHERE r.category = 'identity' AND (r.purpose IS NULL OR r.purpose = c.purpose)
           ORDER BY (r.purpose IS NULL), r.id
           LIMIT 1
        ) r
       WHERE LEAST(c.withdrawn_at, c.valid_until) < $2::timestamptz - make_interval(days => r.retain_days)`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY c.id LIMIT $3 FOR UPDATE OF c SKIP LOCKED`, [
      rulesJson(rules),
      now.toISOString(),
      limit,
    ]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, 'DELETE FROM hub.consent WHERE id = ANY($1::uuid[]) RETURNING 1', [
      candidates.map((c) => c.id),
    ]);
  }
}
