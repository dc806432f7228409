import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantSql } from '../../shared/row-security.sql';

/** The application may append to the audit log and read it; never change or delete (besides the trigger). */
export class AuditGrants1764500000000 implements MigrationInterface {
  name = 'AuditGrants1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of grantSql('audit', 'SELECT, INSERT')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM ${APP_ROLE}`);
  }
}
