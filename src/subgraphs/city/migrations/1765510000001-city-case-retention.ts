import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case retention task's query (src/retention/tasks/city-case.task.ts): closed cases by
 * closure, oldest first; open cases are never due, so they are left out of the index.
 */
export class CityCaseRetention1765510000001 implements MigrationInterface {
  name = 'CityCaseRetention1765510000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX client_case_retention ON city.client_case (closed_at, id) WHERE closed_at IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX city.client_case_retention');
  }
}
