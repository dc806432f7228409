import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

/**
 * Enrolments (waitlist, seat offers, enrolled, ended) and attendance per session day. Both hold
 * personal data: row-level security scopes them to the course's municipality, like courses.
 */
export class CoursesEnrolments1765420000000 implements MigrationInterface {
  name = 'CoursesEnrolments1765420000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE courses.enrolment (
        id uuid PRIMARY KEY,
        course_id uuid NOT NULL REFERENCES courses.course(id),
        person_id uuid NOT NULL,
        status text NOT NULL
          CHECK (status IN ('waitlisted','offered','enrolled','completed','dropped','transferred')),
        waitlist_position integer CHECK (waitlist_position >= 1),
        waitlisted_at timestamptz,
        offered_at timestamptz,
        offer_expires_at timestamptz,
        enrolled_at timestamptz,
        ended_at timestamptz,
        end_reason text,
        referral_id uuid,
        municipality_key text NOT NULL,
        uses_childcare boolean,
        shift_worker boolean,
        apprentice boolean,
        evening_participant boolean,
        parallel_integration_course boolean,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (status <> 'offered' OR (offered_at IS NOT NULL AND offer_expires_at IS NOT NULL)),
        CHECK (status <> 'waitlisted' OR waitlist_position IS NOT NULL)
      )`,
      // One enrolment that is not ended per person and course.
      `CREATE UNIQUE INDEX enrolment_active_once ON courses.enrolment (course_id, person_id)
         WHERE status IN ('waitlisted','offered','enrolled')`,
      `CREATE INDEX enrolment_course_status ON courses.enrolment (course_id, status, waitlist_position)`,
      `CREATE INDEX enrolment_person ON courses.enrolment (person_id)`,
      `CREATE INDEX enrolment_offer_expiry ON courses.enrolment (offer_expires_at, id) WHERE status = 'offered'`,
      `CREATE TABLE courses.attendance (
        id uuid PRIMARY KEY,
        enrolment_id uuid NOT NULL REFERENCES courses.enrolment(id),
        session_on date NOT NULL,
        present boolean NOT NULL,
        municipality_key text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT attendance_once_a_day UNIQUE (enrolment_id, session_on)
      )`,
      ...jurisdictionPolicySql('courses', 'enrolment'),
      ...jurisdictionPolicySql('courses', 'attendance'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['attendance', 'enrolment']) {
      for (const sql of dropJurisdictionPolicySql('courses', t)) await q.query(sql);
      await q.query(`DROP TABLE courses.${t}`);
    }
  }
}
