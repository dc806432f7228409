import { DataSource } from 'typeorm';
import { isUuid } from '../../../shared/ids';

/** An arrival visit reduced to codes and days (the hub's indicator facts, src/subgraphs/hub/indicator). */
export interface ArrivalVisitStatistics {
  visitId: string;
  owner: string;
  municipalityKey: string;
  familyId: string;
  plannedOn: string;
  status: 'planned' | 'took_place' | 'did_not_take_place';
  asPlanned: boolean | null;
  heldOn: string | null;
  topics: string[];
  followUpDueOn: string | null;
  followUpKind: 'district_office' | 'school_placement' | 'none' | null;
  followUpInTime: boolean | null;
}

const FACT_SQL = `
  SELECT v.id AS "visitId", v.partner AS owner, p.municipality_key AS "municipalityKey", v.family_id AS "familyId",
         v.first_planned_on::text AS "plannedOn", v.status, v.took_place_as_planned AS "asPlanned",
         v.held_on::text AS "heldOn", v.topics::text[] AS topics, v.follow_up_due_on::text AS "followUpDueOn",
         v.follow_up_kind AS "followUpKind", v.follow_up_in_time AS "followUpInTime"
    FROM city.arrival_visit v JOIN city.person p ON p.id = v.person_id
   WHERE v.id = ANY($1::uuid[])`;

/**
 * The statistics side of arrival visits: what the report counts of one visit, no names and no
 * free text. Read as the system (the caller's context); the hub asks through its indicator port.
 */
export class ArrivalStatistics {
  constructor(private readonly ds: DataSource) {}

  async statisticsFact(visitId: string): Promise<ArrivalVisitStatistics | null> {
    return (await this.statisticsFacts([visitId]))[0] ?? null;
  }

  /** Many at once (a rebuild's page); visits not found are left out. */
  async statisticsFacts(visitIds: readonly string[]): Promise<ArrivalVisitStatistics[]> {
    const ids = visitIds.filter(isUuid);
    return ids.length ? this.ds.query(FACT_SQL, [ids]) : [];
  }

  async ids(after: string | null, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM city.arrival_visit WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The visits to the person's family (as its first adult, or as a member of the household). */
  async ofPerson(personId: string): Promise<string[]> {
    if (!isUuid(personId)) return [];
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT v.id FROM city.arrival_visit v
        WHERE v.person_id = $1
           OR v.household_id = (SELECT household_id FROM city.person WHERE id = $1)`,
      [personId],
    );
    return rows.map((r) => r.id);
  }
}
