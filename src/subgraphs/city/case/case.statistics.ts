import { DataSource } from 'typeorm';
import { isUuid } from '../../../shared/ids';

/** A case reduced to codes, days and counts (the hub's indicator facts, src/subgraphs/hub/indicator). */
export interface CaseStatistics {
  caseId: string;
  owner: string;
  municipalityKey: string;
  personId: string;
  track: string;
  openedOn: string;
  closedOn: string | null;
  closure: 'planned' | 'unplanned' | null;
  appointmentsDue: number;
  appointmentsKept: number;
  goalsAgreed: number;
  goalsReached: number;
  topics: string[];
}

// Days in Europe/Berlin, as the team lives them. An appointment is due once kept, missed or
// cancelled by the client; one the case manager cancelled, or still scheduled, is not. A goal
// counts as agreed unless only proposed or dropped. Topics: domains whose assessment names a problem.
const FACT_SQL = `
  SELECT c.id AS "caseId", c.partner AS owner, p.municipality_key AS "municipalityKey", c.person_id AS "personId",
         c.track, (c.opened_at AT TIME ZONE 'Europe/Berlin')::date::text AS "openedOn",
         CASE WHEN c.closure_kind IS NOT NULL THEN (c.closed_at AT TIME ZONE 'Europe/Berlin')::date::text END AS "closedOn",
         CASE WHEN c.closed_at IS NULL THEN NULL
              WHEN c.closure_kind = 'planned' THEN 'planned'
              WHEN c.closure_kind LIKE 'unplanned%' THEN 'unplanned' END AS closure,
         (SELECT count(*)::int FROM city.case_appointment a WHERE a.case_id = c.id
             AND (a.status IN ('kept', 'missed') OR (a.status = 'cancelled' AND a.cancelled_by = 'client'))) AS "appointmentsDue",
         (SELECT count(*)::int FROM city.case_appointment a WHERE a.case_id = c.id AND a.status = 'kept') AS "appointmentsKept",
         (SELECT count(*)::int FROM city.case_goal g WHERE g.case_id = c.id
             AND g.status NOT IN ('proposed', 'dropped')) AS "goalsAgreed",
         (SELECT count(*)::int FROM city.case_goal g WHERE g.case_id = c.id AND g.status = 'reached') AS "goalsReached",
         ARRAY(SELECT DISTINCT s.domain FROM city.case_assessment s
                WHERE s.case_id = c.id AND cardinality(s.problems) > 0 ORDER BY s.domain)::text[] AS topics
    FROM city.client_case c JOIN city.person p ON p.id = c.person_id
   WHERE c.id = ANY($1::uuid[])`;

/**
 * The statistics side of case management: what the report counts of one case, no names, no
 * wording, no problems' text. Read as the system; the hub asks through its indicator port.
 */
export class CaseStatisticsReads {
  constructor(private readonly ds: DataSource) {}

  async statisticsFact(caseId: string): Promise<CaseStatistics | null> {
    return (await this.statisticsFacts([caseId]))[0] ?? null;
  }

  /** Many at once (a rebuild's page); cases not found are left out. */
  async statisticsFacts(caseIds: readonly string[]): Promise<CaseStatistics[]> {
    const ids = caseIds.filter(isUuid);
    if (!ids.length) return [];
    const rows: CaseStatistics[] = await this.ds.query(FACT_SQL, [ids]);
    // A closure without its day (or the reverse) is not a closure the report can place.
    for (const row of rows) if (!row.closedOn || !row.closure) Object.assign(row, { closedOn: null, closure: null });
    return rows;
  }

  async ids(after: string | null, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM city.client_case WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.id);
  }
}
