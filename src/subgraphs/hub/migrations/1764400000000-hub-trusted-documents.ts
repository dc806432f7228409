import { MigrationInterface, QueryRunner } from 'typeorm';

/** Trusted documents: the operations each partner has registered (src/gateway/trusted-documents.ts). */
export class HubTrustedDocuments1764400000000 implements MigrationInterface {
  name = 'HubTrustedDocuments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.trusted_document (
      partner text NOT NULL REFERENCES hub.partner(slug),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      name text NOT NULL,
      document text NOT NULL,
      registered_at timestamptz NOT NULL,
      PRIMARY KEY (partner, hash)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub.trusted_document');
  }
}
