import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantSql } from '../../../shared/row-security.sql';

/**
 * The application role's rights on the hub. Hub rows carry no municipality: they are reached
 * through persons the city's policies already restrict.
 */
export class HubGrants1764500000000 implements MigrationInterface {
  name = 'HubGrants1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of grantSql('hub')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA hub FROM ${APP_ROLE}`);
  }
}
