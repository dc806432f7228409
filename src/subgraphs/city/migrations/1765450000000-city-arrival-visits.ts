import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

/**
 * Arrival counselling visits (docs/arrival-counselling.md): one row per visit of the team to a
 * newly arrived family, its outcome and the family's follow-up contact. `family_id` is the
 * household, or the person when registered without one: at most one planned visit per family.
 * Codes only, no free text: the next report counts them.
 */
export class CityArrivalVisits1765450000000 implements MigrationInterface {
  name = 'CityArrivalVisits1765450000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE city.arrival_visit (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES city.person(id),
        household_id uuid,
        family_id uuid NOT NULL,
        partner text NOT NULL,
        referral_id uuid,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'took_place', 'did_not_take_place')),
        first_planned_on date NOT NULL,
        planned_on date NOT NULL,
        reschedule_count int NOT NULL DEFAULT 0 CHECK (reschedule_count >= 0),
        took_place_as_planned boolean,
        not_held_reason text CHECK (not_held_reason IN ('not_reached', 'declined', 'moved_away', 'postponed_by_family', 'other')),
        held_on date,
        welcome_folder boolean,
        topics text[] NOT NULL DEFAULT '{}'
          CHECK (topics <@ ARRAY['language', 'childcare', 'school_entry', 'labour_market', 'housing']::text[]),
        referral_ids uuid[] NOT NULL DEFAULT '{}',
        follow_up_due_on date,
        follow_up_kind text CHECK (follow_up_kind IN ('district_office', 'school_placement', 'none')),
        follow_up_on date,
        follow_up_source text CHECK (follow_up_source IN ('recorded', 'derived')),
        follow_up_in_time boolean,
        follow_up_referral_id uuid,
        created_at timestamptz NOT NULL,
        recorded_at timestamptz,
        updated_at timestamptz NOT NULL,
        CHECK ((status = 'took_place') = (held_on IS NOT NULL)),
        CHECK ((status = 'took_place') = (follow_up_due_on IS NOT NULL)),
        CHECK ((status = 'did_not_take_place') = (not_held_reason IS NOT NULL)),
        CHECK ((status = 'planned') = (took_place_as_planned IS NULL)),
        CHECK (follow_up_kind IS NULL OR status = 'took_place'),
        CHECK ((follow_up_kind IS NULL) = (follow_up_source IS NULL) AND (follow_up_kind IS NULL) = (follow_up_in_time IS NULL)),
        CHECK ((follow_up_kind IS NULL OR follow_up_kind = 'none') = (follow_up_on IS NULL))
      )`,
      `CREATE UNIQUE INDEX arrival_visit_one_open ON city.arrival_visit (family_id) WHERE status = 'planned'`,
      `CREATE INDEX arrival_visit_partner ON city.arrival_visit (partner, planned_on DESC, id DESC)`,
      `CREATE INDEX arrival_visit_family ON city.arrival_visit (family_id)`,
      `CREATE INDEX arrival_visit_person ON city.arrival_visit (person_id)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON city.arrival_visit TO ${APP_ROLE}`,
      // Visible when its person is (that check is itself subject to the person's policy).
      ...jurisdictionPolicySql('city', 'arrival_visit', 'EXISTS (SELECT 1 FROM city.person p WHERE p.id = person_id)'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropJurisdictionPolicySql('city', 'arrival_visit')) await q.query(sql);
    await q.query('DROP TABLE city.arrival_visit');
  }
}
