import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

/**
 * Duplicate suspicion (docs/duplicates.md): one row per unordered pair of person records
 * (person_a < person_b), never a second one, so a dismissed pair is not suggested again. A
 * confirmed pair marks the merged record (person.merged_into); it stays, so every id still resolves.
 */
export class CityDuplicates1765410000000 implements MigrationInterface {
  name = 'CityDuplicates1765410000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE city.person ADD COLUMN merged_into uuid REFERENCES city.person(id), ADD COLUMN merged_at timestamptz`,
      `ALTER TABLE city.person ADD CONSTRAINT person_merged_pair CHECK ((merged_into IS NULL) = (merged_at IS NULL) AND merged_into <> id)`,
      // Detection looks for records with the same birth date.
      `CREATE INDEX person_birth_date ON city.person (birth_date) WHERE merged_into IS NULL AND birth_date IS NOT NULL`,
      `CREATE TABLE city.duplicate_suspicion (
        id uuid PRIMARY KEY,
        person_a uuid NOT NULL REFERENCES city.person(id),
        person_b uuid NOT NULL REFERENCES city.person(id),
        reasons text[] NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
        detected_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        kept_person_id uuid REFERENCES city.person(id),
        decision_reason text,
        CHECK (person_a < person_b),
        CHECK ((status = 'open') = (decided_at IS NULL)),
        UNIQUE (person_a, person_b)
      )`,
      `CREATE INDEX duplicate_suspicion_list ON city.duplicate_suspicion (status, detected_at DESC, id DESC)`,
      `CREATE INDEX duplicate_suspicion_b ON city.duplicate_suspicion (person_b)`,
      // Visible only when both records are (each check is itself subject to the person's policy):
      // no municipality keys of its own that a move would leave stale.
      ...jurisdictionPolicySql(
        'city',
        'duplicate_suspicion',
        'EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_a) AND EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_b)',
      ),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropJurisdictionPolicySql('city', 'duplicate_suspicion')) await q.query(sql);
    await q.query('DROP TABLE city.duplicate_suspicion');
    await q.query('DROP INDEX city.person_birth_date');
    await q.query('ALTER TABLE city.person DROP CONSTRAINT person_merged_pair');
    await q.query('ALTER TABLE city.person DROP COLUMN merged_at, DROP COLUMN merged_into');
  }
}
