import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Employer enquiries (docs/employer-service.md). Hub rows, as referrals are: an enquiry runs
 * between two partners. The employee's person id is copied from the consent that links the
 * person, so the policy can decide on it without reading the consent again.
 */
export class HubEnquiries1765460000000 implements MigrationInterface {
  name = 'HubEnquiries1765460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hub.employer_enquiry (
      id uuid PRIMARY KEY,
      employer text NOT NULL REFERENCES hub.partner(slug),
      topic text NOT NULL CHECK (topic IN ('residence_law', 'workplace')),
      question text NOT NULL,
      on_site_visit_wanted boolean NOT NULL,
      routed_to text NOT NULL REFERENCES hub.partner(slug),
      employee_consent_id uuid,
      employee_person_id uuid,
      status text NOT NULL CHECK (status IN ('received', 'in_progress', 'answered', 'closed')),
      answer text,
      received_at timestamptz NOT NULL,
      answered_at timestamptz,
      closed_at timestamptz,
      version int NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((employee_consent_id IS NULL) = (employee_person_id IS NULL)),
      CHECK ((answer IS NULL) = (answered_at IS NULL)),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL))
    )`);
    await q.query(
      `CREATE INDEX employer_enquiry_employer ON hub.employer_enquiry (employer, received_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX employer_enquiry_routed ON hub.employer_enquiry (routed_to, received_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub.employer_enquiry');
  }
}
