import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS_BEFORE = `'integration_course','language_offensive','literacy','evening_course',
  'women_with_childcare','vocational_language','youth_course'`;
const KINDS = `${KINDS_BEFORE},'parents_course','apprentice_course'`;

/**
 * What a person's needs are matched against: weekly slots, evening/shift fit, women only and the
 * course's status; parents' courses and courses for apprentices; a provider's BAMF approval and
 * the districts it serves. Defaults keep every existing course valid (open, no slots recorded).
 */
export class CoursesOfferDetails1765390000000 implements MigrationInterface {
  name = 'CoursesOfferDetails1765390000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE courses.course DROP CONSTRAINT course_kind_check`,
      `ALTER TABLE courses.course ADD CONSTRAINT course_kind_check CHECK (kind IN (${KINDS}))`,
      `ALTER TABLE courses.course
         ADD COLUMN weekly_slots jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN evening_or_shift boolean NOT NULL DEFAULT false,
         ADD COLUMN women_only boolean NOT NULL DEFAULT false,
         ADD COLUMN status text NOT NULL DEFAULT 'open'
           CHECK (status IN ('planned','open','running','completed','cancelled'))`,
      `CREATE INDEX course_status_start ON courses.course (status, starts_on)`,
      `ALTER TABLE courses.course_provider
         ADD COLUMN bamf_approval text,
         ADD COLUMN bamf_approved_until date,
         ADD COLUMN served_districts text[] NOT NULL DEFAULT '{}'`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE courses.course_provider DROP COLUMN served_districts, DROP COLUMN bamf_approved_until,
         DROP COLUMN bamf_approval`,
      `DROP INDEX courses.course_status_start`,
      `ALTER TABLE courses.course DROP COLUMN status, DROP COLUMN women_only, DROP COLUMN evening_or_shift,
         DROP COLUMN weekly_slots`,
      `ALTER TABLE courses.course DROP CONSTRAINT course_kind_check`,
      `ALTER TABLE courses.course ADD CONSTRAINT course_kind_check CHECK (kind IN (${KINDS_BEFORE}))`,
    ];
    for (const sql of statements) await q.query(sql);
  }
}
