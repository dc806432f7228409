import { MigrationInterface, QueryRunner } from 'typeorm';

/** Legal bases and consents: the data the policy decision point reads. */
export class HubDataProtection1764100000000 implements MigrationInterface {
  name = 'HubDataProtection1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE hub.partner ADD COLUMN purposes text[] NOT NULL DEFAULT '{}'`,
      `CREATE TABLE hub.legal_basis (
        id uuid PRIMARY KEY,
        source_partner text,
        recipient_partner text NOT NULL REFERENCES hub.partner(slug),
        category text NOT NULL,
        purpose text NOT NULL,
        statute text NOT NULL,
        description text NOT NULL,
        valid_from date NOT NULL,
        valid_until date,
        created_at timestamptz NOT NULL,
        CHECK (valid_until IS NULL OR valid_until >= valid_from)
      )`,
      `CREATE INDEX legal_basis_lookup ON hub.legal_basis (recipient_partner, purpose)`,
      `CREATE TABLE hub.consent (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        purpose text NOT NULL,
        recipients text[] NOT NULL,
        categories text[] NOT NULL,
        given_at timestamptz NOT NULL,
        valid_until timestamptz,
        withdrawn_at timestamptz,
        withdrawal_reason text,
        evidence_ref text NOT NULL,
        given_by text NOT NULL CHECK (given_by IN ('person', 'guardian')),
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        CHECK (cardinality(recipients) > 0 AND cardinality(categories) > 0)
      )`,
      `CREATE INDEX consent_person ON hub.consent (person_id, purpose) WHERE withdrawn_at IS NULL`,
      // Each biography entry belongs to a data category, so a partner sees only the entries it may.
      `ALTER TABLE hub.biography_entry ADD COLUMN category text NOT NULL DEFAULT 'identity'`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.biography_entry DROP COLUMN category');
    await q.query('DROP TABLE hub.consent');
    await q.query('DROP TABLE hub.legal_basis');
    await q.query('ALTER TABLE hub.partner DROP COLUMN purposes');
  }
}
