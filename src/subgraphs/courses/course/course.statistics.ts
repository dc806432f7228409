import { DataSource } from 'typeorm';
import { isUuid } from '../../../shared/ids';
import type { PersonDirectory } from '../../../shared/person-directory';

/** A course reduced to codes, days and counts (the hub's indicator facts). */
export interface CourseStatistics {
  courseId: string;
  owner: string;
  municipalityKey: string;
  kind: string;
  status: string;
  startsOn: string;
  endsOn: string | null;
  capacity: number;
  childcare: boolean;
  eveningOrShift: boolean;
}

/** An enrolment reduced to codes and days, with the participant's registered sex (the share of women). */
export interface EnrolmentStatistics {
  enrolmentId: string;
  courseId: string;
  courseKind: string;
  owner: string;
  municipalityKey: string;
  personId: string;
  sex: 'female' | 'male' | 'diverse' | 'unknown';
  status: string;
  enrolledOn: string | null;
  endedOn: string | null;
  usesChildcare: boolean | null;
  shiftWorker: boolean | null;
  apprentice: boolean | null;
  eveningParticipant: boolean | null;
  parallelIntegrationCourse: boolean | null;
}

const SEXES = ['female', 'male', 'diverse'] as const;

const COURSE_SQL = `
  SELECT c.id AS "courseId", pr.partner_slug AS owner, c.municipality_key AS "municipalityKey", c.kind, c.status,
         c.starts_on::text AS "startsOn", c.ends_on::text AS "endsOn", c.capacity, c.childcare,
         c.evening_or_shift AS "eveningOrShift"
    FROM courses.course c JOIN courses.course_provider pr ON pr.id = c.provider_id
   WHERE c.id = ANY($1::uuid[])`;

// Days in Europe/Berlin, like every day the report shows.
const ENROLMENT_SQL = `
  SELECT e.id AS "enrolmentId", e.course_id AS "courseId", c.kind AS "courseKind", pr.partner_slug AS owner,
         e.municipality_key AS "municipalityKey", e.person_id AS "personId", e.status,
         (e.enrolled_at AT TIME ZONE 'Europe/Berlin')::date::text AS "enrolledOn",
         (e.ended_at AT TIME ZONE 'Europe/Berlin')::date::text AS "endedOn",
         e.uses_childcare AS "usesChildcare", e.shift_worker AS "shiftWorker", e.apprentice,
         e.evening_participant AS "eveningParticipant", e.parallel_integration_course AS "parallelIntegrationCourse"
    FROM courses.enrolment e JOIN courses.course c ON c.id = e.course_id
    JOIN courses.course_provider pr ON pr.id = c.provider_id
   WHERE e.id = ANY($1::uuid[])`;

/**
 * The statistics side of courses and enrolments: what the language offensive's figures count.
 * The participant's sex comes from the city through the PersonDirectory (ADR 0007), never from
 * the city's tables. Read as the system; the hub asks through its indicator port.
 */
export class CourseStatisticsReads {
  constructor(
    private readonly ds: DataSource,
    private readonly persons: PersonDirectory,
  ) {}

  /** Courses by id (those not found are left out). */
  async courseFacts(courseIds: readonly string[]): Promise<CourseStatistics[]> {
    const ids = courseIds.filter(isUuid);
    return ids.length ? this.ds.query(COURSE_SQL, [ids]) : [];
  }

  /** Enrolments by id (those not found are left out), the participants' sex asked of the city at once. */
  async enrolmentFacts(enrolmentIds: readonly string[]): Promise<EnrolmentStatistics[]> {
    const ids = enrolmentIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: Array<Omit<EnrolmentStatistics, 'sex'>> = await this.ds.query(ENROLMENT_SQL, [ids]);
    if (!rows.length) return [];
    const persons = await this.persons.many([...new Set(rows.map((r) => r.personId))]);
    const sexOf = new Map(persons.map((p) => [p.id, p.sex]));
    return rows.map((row) => {
      const sex = sexOf.get(row.personId) ?? '';
      return {
        ...row,
        sex: (SEXES as readonly string[]).includes(sex) ? (sex as EnrolmentStatistics['sex']) : 'unknown',
      };
    });
  }

  courseIds(after: string | null, limit: number): Promise<string[]> {
    return this.page('courses.course', after, limit);
  }

  enrolmentIds(after: string | null, limit: number): Promise<string[]> {
    return this.page('courses.enrolment', after, limit);
  }

  private async page(table: string, after: string | null, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM ${table} WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.id);
  }
}
