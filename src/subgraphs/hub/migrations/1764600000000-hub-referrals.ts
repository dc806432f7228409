import { MigrationInterface, QueryRunner } from 'typeorm';

export class HubReferrals1764600000000 implements MigrationInterface {
  name = 'HubReferrals1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.referral (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('referral', 'transfer')),
        person_id uuid NOT NULL,
        purpose text NOT NULL,
        referral_type text NOT NULL,
        sender text NOT NULL REFERENCES hub.partner(slug),
        receiver text NOT NULL REFERENCES hub.partner(slug),
        status text NOT NULL,
        reason_code text,
        outcome text,
        basis text,
        parent_id uuid REFERENCES hub.referral(id),
        version int NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (sender <> receiver)
      )`,
      `CREATE INDEX referral_receiver ON hub.referral (receiver, status)`,
      `CREATE INDEX referral_sender ON hub.referral (sender, status)`,
      `CREATE INDEX referral_person ON hub.referral (person_id)`,
      // Who owns a person's case in each legal domain; a transfer moves it.
      `CREATE TABLE hub.case_owner (
        person_id uuid NOT NULL,
        partner text NOT NULL REFERENCES hub.partner(slug),
        since timestamptz NOT NULL,
        until timestamptz,
        transfer_id uuid REFERENCES hub.referral(id)
      )`,
      `CREATE UNIQUE INDEX case_owner_current ON hub.case_owner (person_id, partner) WHERE until IS NULL`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub.case_owner');
    await q.query('DROP TABLE hub.referral');
  }
}
