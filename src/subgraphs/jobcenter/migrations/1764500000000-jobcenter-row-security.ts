import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  dropJurisdictionPolicySql,
  grantSql,
  jurisdictionFunctionSql,
  jurisdictionPolicySql,
} from '../../../shared/row-security.sql';

/** Row-level security: rows only inside the caller's jurisdiction. */
export class JobcenterRowSecurity1764500000000 implements MigrationInterface {
  name = 'JobcenterRowSecurity1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      ...grantSql('jobcenter'),
      jurisdictionFunctionSql('jobcenter'),
      ...jurisdictionPolicySql('jobcenter', 'jobcenter_record'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['jobcenter_record'])
      for (const sql of dropJurisdictionPolicySql('jobcenter', t)) await q.query(sql);
    await q.query('DROP FUNCTION jobcenter.in_jurisdiction(text)');
  }
}
