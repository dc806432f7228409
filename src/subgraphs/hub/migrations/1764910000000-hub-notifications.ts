import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The partners' notification inbox (src/subgraphs/hub/notification). Rows hold ids, codes and
 * times only, never personal data. The application role's rights come from the default
 * privileges of HubGrants1764500000000. No foreign keys: a notification must never make the
 * events worker fail (and retry forever) over a partner or referral row it cannot see.
 */
export class HubNotifications1764910000000 implements MigrationInterface {
  name = 'HubNotifications1764910000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.notification (
        id uuid PRIMARY KEY,
        partner text NOT NULL,
        type text NOT NULL,
        event_id uuid NOT NULL,
        person_id uuid,
        referral_id uuid,
        category text NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz
      )`,
      // A re-processed event adds nothing.
      `CREATE UNIQUE INDEX notification_once ON hub.notification (partner, event_id, type)`,
      // The inbox, newest first (keyset pagination), and its unread part.
      `CREATE INDEX notification_inbox ON hub.notification (partner, occurred_at DESC, id DESC)`,
      `CREATE INDEX notification_unread ON hub.notification (partner, occurred_at DESC, id DESC) WHERE read_at IS NULL`,
      // Consent withdrawal drops a person's unread notifications.
      `CREATE INDEX notification_person_unread ON hub.notification (person_id) WHERE read_at IS NULL`,
      // Storing a notification looks for a withdrawal of the person's consent handled before it.
      `CREATE INDEX consent_withdrawn_person ON hub.consent (person_id, withdrawn_at) WHERE withdrawn_at IS NOT NULL`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hub.consent_withdrawn_person');
    await q.query('DROP TABLE hub.notification');
  }
}
