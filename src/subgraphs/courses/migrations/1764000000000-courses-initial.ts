import { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../events/outbox.migration';

export class CoursesInitial1764000000000 implements MigrationInterface {
  name = 'CoursesInitial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE courses.course_provider (
        id uuid PRIMARY KEY,
        partner_slug text NOT NULL CONSTRAINT course_provider_partner_slug_key UNIQUE,
        name text NOT NULL,
        municipality_key text NOT NULL,
        street text,
        postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
        locality text,
        childcare boolean NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL
      )`,
      `CREATE INDEX course_provider_municipality ON courses.course_provider (municipality_key text_pattern_ops)`,
      `CREATE TABLE courses.course (
        id uuid PRIMARY KEY,
        provider_id uuid NOT NULL REFERENCES courses.course_provider(id),
        title text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('integration_course','language_offensive','literacy','evening_course',
          'women_with_childcare','vocational_language','youth_course')),
        target_level text NOT NULL CHECK (target_level IN ('A1','A2','B1','B2','C1')),
        starts_on date NOT NULL,
        ends_on date,
        schedule text NOT NULL,
        lessons_per_week integer NOT NULL CHECK (lessons_per_week BETWEEN 1 AND 40),
        capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100),
        childcare boolean NOT NULL,
        location text NOT NULL,
        district text,
        municipality_key text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        CHECK (ends_on IS NULL OR ends_on >= starts_on)
      )`,
      `CREATE INDEX course_sort ON courses.course (starts_on, id)`,
      `CREATE INDEX course_provider_start ON courses.course (provider_id, starts_on)`,
      `CREATE INDEX course_municipality ON courses.course (municipality_key text_pattern_ops)`,
      ...outboxTableSql('courses'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'course', 'course_provider']) await q.query(`DROP TABLE courses.${t}`);
  }
}
