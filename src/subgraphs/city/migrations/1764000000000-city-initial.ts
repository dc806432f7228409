import { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../events/outbox.migration';

export class CityInitial1764000000000 implements MigrationInterface {
  name = 'CityInitial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE city.municipality (key text PRIMARY KEY, name text NOT NULL, level text NOT NULL CHECK (level IN ('state','district','municipality')))`,
      `CREATE TABLE city.household (id uuid PRIMARY KEY, municipality_key text NOT NULL REFERENCES city.municipality(key), created_at timestamptz NOT NULL)`,
      `CREATE TABLE city.person (
        id uuid PRIMARY KEY,
        municipality_key text NOT NULL REFERENCES city.municipality(key),
        given_name text NOT NULL,
        family_name text NOT NULL,
        name_variants text[] NOT NULL DEFAULT '{}',
        search_names text[] NOT NULL DEFAULT '{}',
        birth_date date,
        sex text NOT NULL CHECK (sex IN ('female','male','diverse','unknown')),
        nationalities text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        street text, house_number text, postal_code text, locality text, district text,
        household_id uuid REFERENCES city.household(id),
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX person_sort ON city.person (family_name, given_name, id)`,
      `CREATE INDEX person_municipality ON city.person (municipality_key text_pattern_ops)`,
      `CREATE INDEX person_household ON city.person (household_id) WHERE household_id IS NOT NULL`,
      `CREATE INDEX person_search_names ON city.person USING gin (search_names)`,
      `CREATE TABLE city.residence_status (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES city.person(id),
        status text NOT NULL,
        legal_basis text NOT NULL,
        valid_from date NOT NULL,
        valid_until date,
        residence_obligation boolean NOT NULL,
        work_permitted boolean NOT NULL,
        integration_course_obligation boolean NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        CHECK (valid_until IS NULL OR valid_until >= valid_from)
      )`,
      `CREATE INDEX residence_status_person ON city.residence_status (person_id, valid_from DESC)`,
      ...outboxTableSql('city'),
      // Reference data: the state, the district of Steinfurt and its neighbours, and Münster.
      `INSERT INTO city.municipality (key, name, level) VALUES
        ('05', 'Nordrhein-Westfalen', 'state'),
        ('05566', 'Kreis Steinfurt', 'district'),
        ('05566076', 'Rheine', 'municipality'),
        ('05566008', 'Emsdetten', 'municipality'),
        ('05566028', 'Greven', 'municipality'),
        ('05566040', 'Ibbenbüren', 'municipality'),
        ('05566084', 'Steinfurt', 'municipality'),
        ('05566088', 'Neuenkirchen', 'municipality'),
        ('05515', 'Münster', 'district'),
        ('05515000', 'Münster', 'municipality')`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'residence_status', 'person', 'household', 'municipality'])
      await q.query(`DROP TABLE city.${t}`);
  }
}
