import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropJurisdictionPolicySql, grantSql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

const ACTIVE = `('issued','registered','in_use')`;
/** The child tables follow their entitlement: visible exactly when it is (its own policy applies inside EXISTS). */
const OF_VISIBLE_ENTITLEMENT = `EXISTS (SELECT 1 FROM courses.entitlement e WHERE e.id = entitlement_id)`;

/** The entitlement ledger (Berechtigungsscheine): entries, the bodies behind them and their history. */
export class CoursesEntitlements1765400000000 implements MigrationInterface {
  name = 'CoursesEntitlements1765400000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // person_id has no foreign key: persons live in the city subgraph's schema (maybe another database).
      `CREATE TABLE courses.entitlement (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        course_kind text NOT NULL CHECK (course_kind IN ('integration_course','job_language_course')),
        basis text NOT NULL CHECK (basis IN ('entitlement','obligation')),
        issuing_body text NOT NULL,
        issuer_kind text NOT NULL CHECK (issuer_kind IN ('immigration_office','jobcenter','federal_office')),
        hours_granted integer NOT NULL CHECK (hours_granted BETWEEN 1 AND 2000),
        hours_used integer NOT NULL DEFAULT 0 CHECK (hours_used >= 0),
        issued_at timestamptz NOT NULL,
        registered_provider text,
        registered_at timestamptz,
        status text NOT NULL CHECK (status IN ('issued','registered','in_use','used','lapsed','withdrawn','transferred')),
        last_activity_at timestamptz,
        municipality_key text NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (status NOT IN ('registered','in_use') OR registered_provider IS NOT NULL)
      )`,
      // One active entitlement per person and course kind, in every jurisdiction: the race between
      // the service's check and its insert ends here (reported as the same CONFLICT).
      `CREATE UNIQUE INDEX entitlement_one_active ON courses.entitlement (person_id, course_kind) WHERE status IN ${ACTIVE}`,
      `CREATE INDEX entitlement_person ON courses.entitlement (person_id, issued_at DESC)`,
      `CREATE INDEX entitlement_municipality ON courses.entitlement (municipality_key text_pattern_ops)`,
      // The lapse sweep: unused ones by their last activity.
      `CREATE INDEX entitlement_lapse ON courses.entitlement ((coalesce(last_activity_at, issued_at))) WHERE status IN ('issued','registered')`,
      `CREATE TABLE courses.entitlement_body (
        entitlement_id uuid NOT NULL REFERENCES courses.entitlement(id) ON DELETE CASCADE,
        partner text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('entitlement','obligation')),
        added_at timestamptz NOT NULL,
        added_by text NOT NULL,
        PRIMARY KEY (entitlement_id, partner)
      )`,
      `CREATE TABLE courses.entitlement_step (
        id uuid PRIMARY KEY,
        entitlement_id uuid NOT NULL REFERENCES courses.entitlement(id) ON DELETE CASCADE,
        action text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        by_partner text NOT NULL,
        at timestamptz NOT NULL,
        reason_code text,
        provider_from text,
        provider_to text,
        event_id uuid
      )`,
      `CREATE INDEX entitlement_step_entitlement ON courses.entitlement_step (entitlement_id, at)`,
      `CREATE UNIQUE INDEX entitlement_step_event ON courses.entitlement_step (entitlement_id, event_id) WHERE event_id IS NOT NULL`,
      // Row-level security; the grants again, for the new tables whatever role ran 1764500000000.
      ...grantSql('courses'),
      ...jurisdictionPolicySql('courses', 'entitlement'),
      ...jurisdictionPolicySql('courses', 'entitlement_body', OF_VISIBLE_ENTITLEMENT),
      ...jurisdictionPolicySql('courses', 'entitlement_step', OF_VISIBLE_ENTITLEMENT),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['entitlement_step', 'entitlement_body', 'entitlement']) {
      for (const sql of dropJurisdictionPolicySql('courses', t)) await q.query(sql);
      await q.query(`DROP TABLE courses.${t}`);
    }
  }
}
