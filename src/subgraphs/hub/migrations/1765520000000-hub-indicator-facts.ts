import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = [
  'indicator_referral',
  'indicator_case',
  'indicator_enrolment',
  'indicator_course',
  'indicator_arrival_visit',
];

/**
 * Indicator facts (docs/indicators.md): one row per visit, course, enrolment, case and referral,
 * reduced to codes, dates and counts, kept current by the events worker. The report's indicators
 * aggregate these rows instead of replaying events. No names, no free text; the person id stays
 * only where a figure counts persons, and nothing of a row leaves the hub but aggregates.
 */
export class HubIndicatorFacts1765520000000 implements MigrationInterface {
  name = 'HubIndicatorFacts1765520000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.indicator_arrival_visit (
        visit_id uuid PRIMARY KEY,
        owner text NOT NULL,
        municipality_key text NOT NULL,
        family_id uuid NOT NULL,
        planned_on date NOT NULL,
        status text NOT NULL CHECK (status IN ('planned', 'took_place', 'did_not_take_place')),
        as_planned boolean,
        held_on date,
        topics text[] NOT NULL DEFAULT '{}',
        follow_up_due_on date,
        follow_up_kind text CHECK (follow_up_kind IN ('district_office', 'school_placement', 'none')),
        follow_up_in_time boolean,
        refreshed_at timestamptz NOT NULL
      )`,
      `CREATE INDEX indicator_arrival_visit_planned ON hub.indicator_arrival_visit (planned_on)`,
      `CREATE TABLE hub.indicator_course (
        course_id uuid PRIMARY KEY,
        owner text NOT NULL,
        municipality_key text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        starts_on date NOT NULL,
        ends_on date,
        capacity int NOT NULL,
        childcare boolean NOT NULL,
        evening_or_shift boolean NOT NULL,
        refreshed_at timestamptz NOT NULL
      )`,
      `CREATE INDEX indicator_course_running ON hub.indicator_course (starts_on, ends_on)`,
      `CREATE TABLE hub.indicator_enrolment (
        enrolment_id uuid PRIMARY KEY,
        course_id uuid NOT NULL,
        course_kind text NOT NULL,
        owner text NOT NULL,
        municipality_key text NOT NULL,
        person_id uuid NOT NULL,
        sex text NOT NULL CHECK (sex IN ('female', 'male', 'diverse', 'unknown')),
        status text NOT NULL,
        enrolled_on date,
        ended_on date,
        uses_childcare boolean,
        shift_worker boolean,
        apprentice boolean,
        evening_participant boolean,
        parallel_integration_course boolean,
        refreshed_at timestamptz NOT NULL
      )`,
      `CREATE INDEX indicator_enrolment_enrolled ON hub.indicator_enrolment (enrolled_on, ended_on)`,
      `CREATE INDEX indicator_enrolment_course ON hub.indicator_enrolment (course_id)`,
      `CREATE TABLE hub.indicator_case (
        case_id uuid PRIMARY KEY,
        owner text NOT NULL,
        municipality_key text NOT NULL,
        person_id uuid NOT NULL,
        track text NOT NULL,
        opened_on date NOT NULL,
        closed_on date,
        closure text CHECK (closure IN ('planned', 'unplanned')),
        appointments_due int NOT NULL DEFAULT 0,
        appointments_kept int NOT NULL DEFAULT 0,
        goals_agreed int NOT NULL DEFAULT 0,
        goals_reached int NOT NULL DEFAULT 0,
        topics text[] NOT NULL DEFAULT '{}',
        refreshed_at timestamptz NOT NULL,
        CHECK ((closed_on IS NULL) = (closure IS NULL)),
        CHECK (appointments_kept <= appointments_due AND goals_reached <= goals_agreed)
      )`,
      `CREATE INDEX indicator_case_open ON hub.indicator_case (opened_on, closed_on)`,
      `CREATE TABLE hub.indicator_referral (
        referral_id uuid PRIMARY KEY,
        kind text NOT NULL,
        referral_type text NOT NULL,
        purpose text NOT NULL,
        sender text NOT NULL,
        receiver text NOT NULL,
        municipality_key text NOT NULL,
        status text NOT NULL,
        outcome text,
        requested_at timestamptz,
        accepted_at timestamptz,
        concluded_at timestamptz,
        due_on date,
        deadlines_due int NOT NULL DEFAULT 0,
        deadlines_met int NOT NULL DEFAULT 0,
        gap_days int,
        refreshed_at timestamptz NOT NULL,
        CHECK (deadlines_met <= deadlines_due)
      )`,
      `CREATE INDEX indicator_referral_requested ON hub.indicator_referral (requested_at)`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`DROP TABLE hub.${t}`);
  }
}
