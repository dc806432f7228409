import { DataSource, EntityManager } from 'typeorm';
import { DATA_CATEGORIES } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RecordType, RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

interface AgedRowsTable {
  name: string;
  recordType: RecordType;
  /** `schema.table`. */
  table: string;
  /** Primary key column and its type (the delete uses the key's index). */
  id: string;
  idType: 'uuid' | 'text';
  /** The reference date the retention period counts from. */
  since: string;
  /** Further condition on rows that may be due (alias `n`). */
  where?: string;
}

/**
 * Hub rows about one person that are erased (deleted) `retain_days` after a date, by the row's
 * data category. They carry no purpose, so only rules for any purpose apply (at most one per
 * category). Rows about no person are not personal data and stay.
 */
export class HubAgedRowsRetentionTask implements RetentionTask {
  readonly name: string;
  readonly recordType: RecordType;
  readonly actions = ['erase'] as const;
  readonly categories = DATA_CATEGORIES;
  readonly hasPurpose = false;

  constructor(
    readonly dataSource: DataSource,
    private readonly t: AgedRowsTable,
  ) {
    this.name = t.name;
    this.recordType = t.recordType;
  }

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT n.${this.t.id}::text AS id, n.person_id, r.id AS rule_id, n.category, r.action
        FROM ${this.t.table} n
        JOIN rules r ON r.category = n.category AND r.purpose IS NULL
       WHERE n.person_id IS NOT NULL ${this.t.where ? `AND ${this.t.where}` : ''}
         AND n.${this.t.since} < $2::timestamptz - make_interval(days => r.retain_days)`;
  }

  due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(
      em,
      `${this.dueSql()} ORDER BY n.${this.t.since}, n.${this.t.id} LIMIT $3 FOR UPDATE OF n SKIP LOCKED`,
      [rulesJson(rules), now.toISOString(), limit],
    );
  }

  countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[]): Promise<number> {
    return changedRows(em, `DELETE FROM ${this.t.table} WHERE ${this.t.id} = ANY($1::${this.t.idType}[]) RETURNING 1`, [
      candidates.map((c) => c.id),
    ]);
  }
}

/** Biography entries: due after the event (index biography_retention serves the query). */
export const hubBiographyRetention = (hub: DataSource) =>
  new HubAgedRowsRetentionTask(hub, {
    name: 'hub.biography_entry',
    recordType: 'biography_entry',
    table: 'hub.biography_entry',
    id: 'event_id',
    idType: 'uuid',
    since: 'occurred_at',
  });

/** What partners were told about a person, counted from the event (index notification_retention). */
export const hubNotificationRetention = (hub: DataSource) =>
  new HubAgedRowsRetentionTask(hub, {
    name: 'hub.notification',
    recordType: 'notification',
    table: 'hub.notification',
    id: 'id',
    idType: 'uuid',
    since: 'occurred_at',
  });

/** Webhook deliveries, from their creation, never while pending; attempts go with them (ON DELETE CASCADE). */
export const hubWebhookDeliveryRetention = (hub: DataSource) =>
  new HubAgedRowsRetentionTask(hub, {
    name: 'hub.webhook_delivery',
    recordType: 'webhook_delivery',
    table: 'hub.webhook_delivery',
    id: 'id',
    idType: 'text',
    since: 'created_at',
    where: "n.status <> 'pending'",
  });
