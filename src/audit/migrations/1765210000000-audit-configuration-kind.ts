import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change of the hub's configuration (partners, legal bases, cooperation agreements, retention
 * rules) through the admin API or `lotse apply` is an audit entry of its own kind, with the row
 * before and after in its detail: it is neither a partner's write of personal data nor a system event.
 */
export class AuditConfigurationKind1765210000000 implements MigrationInterface {
  name = 'AuditConfigurationKind1765210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit.entry DROP CONSTRAINT entry_kind_check');
    await q.query(
      `ALTER TABLE audit.entry ADD CONSTRAINT entry_kind_check CHECK (kind IN ('read','write','denied','consent','erasure','system','configuration'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit.entry DROP CONSTRAINT entry_kind_check');
    await q.query(
      `ALTER TABLE audit.entry ADD CONSTRAINT entry_kind_check CHECK (kind IN ('read','write','denied','consent','erasure','system')) NOT VALID`,
    );
  }
}
