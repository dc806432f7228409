import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  dropJurisdictionPolicySql,
  grantSql,
  jurisdictionFunctionSql,
  jurisdictionPolicySql,
} from '../../../shared/row-security.sql';

/** Row-level security: persons, households and their residence statuses only inside the caller's jurisdiction. */
export class CityRowSecurity1764500000000 implements MigrationInterface {
  name = 'CityRowSecurity1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      ...grantSql('city'),
      jurisdictionFunctionSql('city'),
      ...jurisdictionPolicySql('city', 'person'),
      ...jurisdictionPolicySql('city', 'household'),
      // A status is visible when its person is (that check is itself subject to the person's policy).
      ...jurisdictionPolicySql(
        'city',
        'residence_status',
        'EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_id)',
      ),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['residence_status', 'household', 'person'])
      for (const sql of dropJurisdictionPolicySql('city', t)) await q.query(sql);
    await q.query('DROP FUNCTION city.in_jurisdiction(text)');
  }
}
