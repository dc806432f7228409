import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

const PERSON_VISIBLE = 'EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_id)';
/** Inside a request or a system context only: the rows name no person or municipality to test. */
const IN_CONTEXT = `coalesce(current_setting('lotse.jurisdiction', true), '') <> ''`;

/**
 * Client feedback (docs/feedback.md): anonymous rows without person, worker or time finer than
 * the month; the link a person chooses to make in a table of its own, under row security like
 * every table that names a person.
 */
export class CityFeedback1765460000001 implements MigrationInterface {
  name = 'CityFeedback1765460000001';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE city.client_feedback (
        id uuid PRIMARY KEY,
        offer text NOT NULL CHECK (offer IN ('arrival_counselling', 'language_course', 'case_management', 'euma', 'employer_service', 'other')),
        course_id uuid,
        helpful smallint NOT NULL CHECK (helpful BETWEEN 1 AND 5),
        understood smallint NOT NULL CHECK (understood BETWEEN 1 AND 5),
        would_recommend boolean,
        comment text CHECK (char_length(comment) <= 500),
        collected_by text NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1)
      )`,
      `CREATE INDEX client_feedback_collected ON city.client_feedback (collected_by, month DESC, id DESC)`,
      `CREATE INDEX client_feedback_offer ON city.client_feedback (offer, month)`,
      `CREATE TABLE city.feedback_person_link (
        feedback_id uuid PRIMARY KEY REFERENCES city.client_feedback(id),
        person_id uuid NOT NULL REFERENCES city.person(id),
        consent_id uuid NOT NULL,
        partner text NOT NULL
      )`,
      `CREATE INDEX feedback_person_link_person ON city.feedback_person_link (person_id)`,
      ...jurisdictionPolicySql('city', 'client_feedback', IN_CONTEXT),
      ...jurisdictionPolicySql('city', 'feedback_person_link', PERSON_VISIBLE),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['feedback_person_link', 'client_feedback']) {
      for (const sql of dropJurisdictionPolicySql('city', t)) await q.query(sql);
      await q.query(`DROP TABLE city.${t}`);
    }
  }
}
