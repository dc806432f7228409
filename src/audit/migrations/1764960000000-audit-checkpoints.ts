import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../shared/row-security.sql';

/**
 * Signed checkpoints of the audit log's head, written by the `maintenance` queue's `checkpoint`
 * job and checked by `lotse audit verify`. A checkpoint is what catches deleting the tail or
 * recomputing the chain consistently, which the chain alone cannot. Insert-only like the log;
 * `at` is kept as the exact text that was signed. `key_id` tells which key signed it, so after
 * the internal secret changed, verify holds the chain against the newest checkpoint of the new key
 * (the older ones can still be checked with the old secret).
 */
export class AuditCheckpoints1764960000000 implements MigrationInterface {
  name = 'AuditCheckpoints1764960000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE audit.checkpoint (
        seq bigint NOT NULL CHECK (seq >= 0),
        head text NOT NULL CHECK (head ~ '^[0-9a-f]{64}$'),
        rows bigint NOT NULL CHECK (rows >= 0),
        at text NOT NULL,
        signature text NOT NULL CHECK (signature ~ '^[0-9a-f]{64}$'),
        key_id text NOT NULL,
        written_by text NOT NULL,
        PRIMARY KEY (key_id, seq)
      )`,
      `CREATE TRIGGER checkpoint_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.checkpoint
         FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`,
      `GRANT SELECT, INSERT ON audit.checkpoint TO ${APP_ROLE}`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit.checkpoint');
  }
}
