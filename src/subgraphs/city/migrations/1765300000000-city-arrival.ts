import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day a person arrived in Germany (or, failing that, in the municipality), as the registering
 * office knows it. Optional: persons registered before, and registrations that do not state it,
 * keep null. The new-arrival rule reads it so that a bulk import of long-settled persons proposes
 * no arrival counselling (RULE_ARRIVAL_MAX_AGE_DAYS).
 */
export class CityArrival1765300000000 implements MigrationInterface {
  name = 'CityArrival1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE city.person ADD COLUMN arrived_on date');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE city.person DROP COLUMN arrived_on');
  }
}
