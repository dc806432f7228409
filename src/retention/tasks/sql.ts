import { DataSource, EntityManager } from 'typeorm';
import { RetentionCandidate } from '../retention.types';

/**
 * Helpers shared by the tasks. A task's due query selects the columns
 * `id, person_id, rule_id, category, action` (ids and codes only).
 */
interface DueRow {
  id: string;
  person_id: string;
  rule_id: string;
  category: string;
  action: RetentionCandidate['action'];
}

export async function selectDue(em: EntityManager, sql: string, params: unknown[]): Promise<RetentionCandidate[]> {
  const rows: DueRow[] = await em.query(sql, params);
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    ruleId: r.rule_id,
    category: r.category,
    action: r.action,
  }));
}

/** Counts a due query (no LIMIT, no lock) by action and distinct persons. */
export async function countDue(
  ds: DataSource,
  dueSql: string,
  params: unknown[],
): Promise<{ erase: number; pseudonymise: number; persons: number }> {
  const [row]: Array<{ erase: number; pseudonymise: number; persons: number }> = await ds.query(
    `SELECT count(*) FILTER (WHERE d.action = 'erase')::int AS erase,
            count(*) FILTER (WHERE d.action = 'pseudonymise')::int AS pseudonymise,
            count(DISTINCT d.person_id)::int AS persons
       FROM (${dueSql}) d`,
    params,
  );
  return row;
}

/** Runs a data-modifying CTE (`WITH changed AS (… RETURNING 1)`) and returns how many rows it changed. */
export async function changedRows(em: EntityManager, modifyingSql: string, params: unknown[]): Promise<number> {
  const [row]: Array<{ n: number }> = await em.query(
    `WITH changed AS (${modifyingSql}) SELECT count(*)::int AS n FROM changed`,
    params,
  );
  return row.n;
}
