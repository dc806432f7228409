import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

const PERSON_VISIBLE = 'EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_id)';
const TABLES = ['case_help_plan_item', 'case_appointment', 'case_goal', 'case_assessment', 'client_case'];

/**
 * Case management (docs/case-management.md): the case and its assessment, goals, appointments and
 * help plan. Every row names the person, so row security shows it only when the person is visible;
 * which partner may read a case is the service's and the policy's decision on top.
 */
export class CityCases1765470000000 implements MigrationInterface {
  name = 'CityCases1765470000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE city.client_case (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES city.person(id),
        household_id uuid REFERENCES city.household(id),
        partner text NOT NULL,
        worker_ref text NOT NULL,
        phase text NOT NULL CHECK (phase IN ('working_alliance', 'assessment', 'goal_agreement', 'help_plan', 'monitoring', 'closed')),
        track text NOT NULL CHECK (track IN ('standard', 'euma')),
        alliance_signed_on date,
        source_referral_id uuid UNIQUE,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        closure_kind text CHECK (closure_kind IN ('planned', 'unplanned_by_client', 'unplanned_by_case_manager')),
        closure_reason text,
        version int NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((phase = 'closed') = (closed_at IS NOT NULL)),
        CHECK ((phase = 'closed') = (closure_kind IS NOT NULL)),
        CHECK (closure_kind IS NULL OR closure_kind = 'planned' OR closure_reason IS NOT NULL)
      )`,
      `CREATE INDEX client_case_person ON city.client_case (person_id)`,
      `CREATE INDEX client_case_partner ON city.client_case (partner, phase, opened_at DESC, id DESC)`,
      `CREATE TABLE city.case_assessment (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES city.client_case(id),
        person_id uuid NOT NULL REFERENCES city.person(id),
        domain text NOT NULL,
        problems text[] NOT NULL,
        resources text[] NOT NULL,
        situation text,
        assessed_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        UNIQUE (case_id, domain)
      )`,
      `CREATE TABLE city.case_goal (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES city.client_case(id),
        person_id uuid NOT NULL REFERENCES city.person(id),
        domain text NOT NULL,
        wording text NOT NULL,
        agreed_on date,
        target_on date,
        status text NOT NULL CHECK (status IN ('proposed', 'open', 'reached', 'partly_reached', 'not_reached', 'dropped')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((status = 'proposed') = (agreed_on IS NULL))
      )`,
      `CREATE INDEX case_goal_case ON city.case_goal (case_id)`,
      `CREATE TABLE city.case_appointment (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES city.client_case(id),
        person_id uuid NOT NULL REFERENCES city.person(id),
        scheduled_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('scheduled', 'kept', 'missed', 'cancelled')),
        cancelled_by text CHECK (cancelled_by IN ('client', 'case_manager')),
        recorded_at timestamptz,
        created_at timestamptz NOT NULL,
        CHECK ((status = 'cancelled') = (cancelled_by IS NOT NULL))
      )`,
      `CREATE INDEX case_appointment_case ON city.case_appointment (case_id, scheduled_at)`,
      `CREATE TABLE city.case_help_plan_item (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES city.client_case(id),
        person_id uuid NOT NULL REFERENCES city.person(id),
        goal_id uuid REFERENCES city.case_goal(id),
        service text NOT NULL,
        provider text NOT NULL,
        referral_id uuid UNIQUE,
        due_on date,
        created_at timestamptz NOT NULL
      )`,
      `CREATE INDEX case_help_plan_item_case ON city.case_help_plan_item (case_id)`,
      ...TABLES.flatMap((t) => jurisdictionPolicySql('city', t, PERSON_VISIBLE)),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      for (const sql of dropJurisdictionPolicySql('city', t)) await q.query(sql);
      await q.query(`DROP TABLE city.${t}`);
    }
  }
}
