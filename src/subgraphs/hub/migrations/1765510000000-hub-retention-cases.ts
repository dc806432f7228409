import { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out: a migration must not change when the vocabulary in code does.
const BEFORE = "('biography_entry', 'consent', 'person', 'notification', 'webhook_delivery')";
const TYPES =
  "('biography_entry', 'consent', 'person', 'notification', 'webhook_delivery', 'case', 'arrival_visit', 'feedback_link')";

/**
 * Retention of closed cases, arrival visits and feedback links (src/retention/tasks/city-*.task.ts),
 * with ILLUSTRATIVE default periods (the same as examples/rheine/city.yaml): the deployment's
 * data-protection officer sets the real ones.
 */
export const CASE_RETENTION_DEFAULTS: Array<[string, number, string, string]> = [
  [
    'case',
    3650,
    'Closed cases with their assessments, goals, appointments and help plan are erased 10 years after closure (illustrative period).',
    'Art. 5 Abs. 1 lit. e, Art. 17 Abs. 1 lit. a DSGVO; § 84 SGB X; Aufbewahrungsfrist laut Aktenplan der Stelle',
  ],
  [
    'arrival_visit',
    1095,
    'Arrival counselling visits are erased 3 years after the day they were held or last planned, or the later follow-up (illustrative period).',
    'Art. 5 Abs. 1 lit. e, Art. 17 Abs. 1 lit. a DSGVO; § 84 SGB X',
  ],
  [
    'feedback_link',
    730,
    'The link between a person and their feedback is erased 2 years after the feedback month; the anonymous feedback stays (illustrative period).',
    'Art. 5 Abs. 1 lit. c und e DSGVO',
  ],
];

export class HubRetentionCases1765510000000 implements MigrationInterface {
  name = 'HubRetentionCases1765510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.retention_rule DROP CONSTRAINT retention_rule_record_type_check');
    await q.query(
      `ALTER TABLE hub.retention_rule ADD CONSTRAINT retention_rule_record_type_check CHECK (record_type IN ${TYPES})`,
    );
    for (const [recordType, days, description, statute] of CASE_RETENTION_DEFAULTS)
      await q.query(
        `INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute) VALUES ($1, 'case_notes', NULL, $2, 'erase', $3, $4)`,
        [recordType, days, description, statute],
      );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM hub.retention_rule WHERE record_type IN ('case', 'arrival_visit', 'feedback_link')`);
    await q.query('ALTER TABLE hub.retention_rule DROP CONSTRAINT retention_rule_record_type_check');
    await q.query(
      `ALTER TABLE hub.retention_rule ADD CONSTRAINT retention_rule_record_type_check CHECK (record_type IN ${BEFORE})`,
    );
  }
}
