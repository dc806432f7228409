import { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out: a migration must not change when the vocabulary in code does.
const CATEGORIES = [
  'identity',
  'contact',
  'residence',
  'benefits',
  'education',
  'employment',
  'health',
  'case_notes',
  'course_participation',
];
const TYPES = "('biography_entry', 'consent', 'person', 'notification', 'webhook_delivery')";

/**
 * Retention of what partners were told about a person: inbox notifications and webhook
 * deliveries (src/retention/tasks/hub-aged-rows.task.ts), with illustrative default periods.
 */
export class HubRetentionNotices1764940000000 implements MigrationInterface {
  name = 'HubRetentionNotices1764940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.retention_rule DROP CONSTRAINT retention_rule_record_type_check');
    await q.query(
      `ALTER TABLE hub.retention_rule ADD CONSTRAINT retention_rule_record_type_check CHECK (record_type IN ${TYPES})`,
    );
    await q.query(
      'CREATE INDEX notification_retention ON hub.notification (category, occurred_at) WHERE person_id IS NOT NULL',
    );
    await q.query(
      `CREATE INDEX webhook_delivery_retention ON hub.webhook_delivery (category, created_at) WHERE person_id IS NOT NULL AND status <> 'pending'`,
    );
    const defaults: Array<[string, number, string]> = [
      [
        'notification',
        365,
        'Inbox notifications about a person are erased one year after the event (illustrative period).',
      ],
      [
        'webhook_delivery',
        90,
        'Webhook deliveries about a person and their attempts are erased 90 days after they were created, once no longer pending (illustrative period).',
      ],
    ];
    for (const [recordType, days, description] of defaults) {
      for (const category of CATEGORIES) {
        await q.query(
          `INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute) VALUES ($1, $2, NULL, $3, 'erase', $4, $5)`,
          [recordType, category, days, description, 'Art. 5 Abs. 1 lit. c und e DSGVO; § 84 SGB X'],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM hub.retention_rule WHERE record_type IN ('notification', 'webhook_delivery')`);
    await q.query('DROP INDEX hub.webhook_delivery_retention');
    await q.query('DROP INDEX hub.notification_retention');
    await q.query('ALTER TABLE hub.retention_rule DROP CONSTRAINT retention_rule_record_type_check');
    await q.query(
      `ALTER TABLE hub.retention_rule ADD CONSTRAINT retention_rule_record_type_check CHECK (record_type IN ('biography_entry', 'consent', 'person'))`,
    );
  }
}
