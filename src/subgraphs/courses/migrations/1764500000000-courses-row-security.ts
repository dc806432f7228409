import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  dropJurisdictionPolicySql,
  grantSql,
  jurisdictionFunctionSql,
  jurisdictionPolicySql,
} from '../../../shared/row-security.sql';

/** Row-level security: rows only inside the caller's jurisdiction. */
export class CoursesRowSecurity1764500000000 implements MigrationInterface {
  name = 'CoursesRowSecurity1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      ...grantSql('courses'),
      jurisdictionFunctionSql('courses'),
      ...jurisdictionPolicySql('courses', 'course_provider'),
      ...jurisdictionPolicySql('courses', 'course'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['course', 'course_provider'])
      for (const sql of dropJurisdictionPolicySql('courses', t)) await q.query(sql);
    await q.query('DROP FUNCTION courses.in_jurisdiction(text)');
  }
}
