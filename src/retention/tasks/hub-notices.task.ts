import { DataSource, EntityManager } from 'typeorm';
import { DATA_CATEGORIES } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/**
 * What partners were told about a person: inbox notifications (hub.notification) and webhook
 * deliveries with their attempts (hub.webhook_delivery). Both hold ids and codes only, but the
 * ids say that a partner heard of a person, so they have a retention period of their own, by the
 * category of the event, counted from the event (notifications) or from the delivery's creation
 * (deliveries; pending ones are never due). Erased: nothing in them is worth keeping. Rows about
 * no person are not personal data and stay.
 */
abstract class HubNoticeRetentionTask implements RetentionTask {
  abstract readonly name: string;
  abstract readonly recordType: 'notification' | 'webhook_delivery';
  readonly actions = ['erase'] as const;
  readonly categories = DATA_CATEGORIES;
  readonly hasPurpose = false;
  protected abstract readonly table: string;
  protected abstract readonly since: string;
  protected abstract readonly extraWhere: string;
  /** The primary key's type, so the delete uses the key's index. */
  protected abstract readonly idType: 'uuid' | 'text';

  constructor(readonly dataSource: DataSource) {}

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT n.id::text AS id, n.person_id, r.id AS rule_id, n.category, r.action
        FROM ${this.table} n
        JOIN rules r ON r.category = n.category AND r.purpose IS NULL
       WHERE n.person_id IS NOT NULL ${this.extraWhere}
         AND n.${this.since} < $2::timestamptz - make_interval(days => r.retain_days)`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY n.${this.since}, n.id LIMIT $3 FOR UPDATE OF n SKIP LOCKED`, [rulesJson(rules), now.toISOString(), limit]);
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, `DELETE FROM ${this.table} WHERE id = ANY($1::${this.idType}[]) RETURNING 1`, [candidates.map((c) => c.id)]);
  }
}

export class HubNotificationRetentionTask extends HubNoticeRetentionTask {
  readonly name = 'hub.notification';
  readonly recordType = 'notification' as const;
  protected readonly table = 'hub.notification';
  protected readonly since = 'occurred_at';
  protected readonly extraWhere = '';
  protected readonly idType = 'uuid' as const;
}

/** Attempts go with their delivery (ON DELETE CASCADE). */
export class HubWebhookDeliveryRetentionTask extends HubNoticeRetentionTask {
  readonly name = 'hub.webhook_delivery';
  readonly recordType = 'webhook_delivery' as const;
  protected readonly table = 'hub.webhook_delivery';
  protected readonly since = 'created_at';
  protected readonly extraWhere = "AND n.status <> 'pending'";
  protected readonly idType = 'text' as const;
}
