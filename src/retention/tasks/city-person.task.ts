import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../../policy/policy.vocabulary';
import { rulesCte, rulesJson } from '../retention.rules';
import { RetentionCandidate, RetentionRule, RetentionTask } from '../retention.types';
import { changedRows, countDue, selectDue } from './sql';

/** What replaces the names of a pseudonymised person; also how such a person is recognised. */
export const ERASED_NAME = '[erased]';

/**
 * Persons (city.person), a first rule from city data only: a person is due `retain_days` after
 *  - their newest residence status is `naturalised` (from its valid_from, a date in Europe/Berlin), or
 *  - they moved away: their municipality lies outside every area the hub serves (the partners'
 *    jurisdictions, handed in by the service) and their record has not changed since
 *    (updated_at; any later change starts the period again). With no areas known this
 *    criterion is off, so an empty partner register never makes everyone "moved away".
 * The city cannot see the jobcenter's or any other subgraph's records; rules for those follow the
 * same interface in their own schema.
 *
 * Pseudonymised, not erased: names, name variants, the search keys, birth date and address are
 * cleared (names become '[erased]'; the columns are NOT NULL); id, municipality, household,
 * sex, nationalities, languages and residence history stay, so households, the biography's links
 * and statistics keep working while the person can no longer be identified from this record.
 * The '[erased]' names mark the row as done (city.person has no marker column yet: adding one
 * needs a city migration), so it is never due again.
 */
export class CityPersonRetentionTask implements RetentionTask {
  readonly name = 'city.person';
  readonly recordType = 'person' as const;
  readonly actions = ['pseudonymise'] as const;
  readonly categories: readonly DataCategory[] = ['identity'];
  readonly hasPurpose = false;

  constructor(
    readonly dataSource: DataSource,
    /** AGS prefixes of the areas the hub serves (the partners' jurisdictions). */
    private readonly servedAreas: () => Promise<string[]>,
  ) {}

  private dueSql(): string {
    return `WITH ${rulesCte('$1')}
      SELECT p.id, p.id AS person_id, r.id AS rule_id, 'identity'::text AS category, r.action
        FROM city.person p
        JOIN rules r ON r.category = 'identity' AND r.purpose IS NULL
        LEFT JOIN LATERAL (
          SELECT s.status, s.valid_from FROM city.residence_status s
           WHERE s.person_id = p.id ORDER BY s.valid_from DESC, s.recorded_at DESC LIMIT 1
        ) cur ON true
       WHERE NOT (p.given_name = '${ERASED_NAME}' AND p.family_name = '${ERASED_NAME}')
         AND (
           (cur.status = 'naturalised' AND cur.valid_from + r.retain_days < ($2::timestamptz AT TIME ZONE 'Europe/Berlin')::date)
           OR (cardinality($3::text[]) > 0 AND NOT (p.municipality_key LIKE ANY($3::text[]))
               AND p.updated_at < $2::timestamptz - make_interval(days => r.retain_days))
         )`;
  }

  private async patterns(): Promise<string[]> {
    const areas = await this.servedAreas();
    return [...new Set(areas)].map((a) => `${a.replace(/[\\%_]/g, '\\$&')}%`);
  }

  async due(em: EntityManager, now: Date, rules: RetentionRule[], limit: number): Promise<RetentionCandidate[]> {
    return selectDue(em, `${this.dueSql()} ORDER BY p.id LIMIT $4 FOR UPDATE OF p SKIP LOCKED`, [
      rulesJson(rules),
      now.toISOString(),
      await this.patterns(),
      limit,
    ]);
  }

  async countDue(now: Date, rules: RetentionRule[]) {
    return countDue(this.dataSource, this.dueSql(), [rulesJson(rules), now.toISOString(), await this.patterns()]);
  }

  apply(em: EntityManager, candidates: RetentionCandidate[], now: Date): Promise<number> {
    return changedRows(
      em,
      `UPDATE city.person SET given_name = $2, family_name = $2, name_variants = '{}', search_names = '{}', birth_date = NULL,
              street = NULL, house_number = NULL, postal_code = NULL, locality = NULL, district = NULL, updated_at = $3
        WHERE id = ANY($1::uuid[]) RETURNING 1`,
      [candidates.map((c) => c.id), ERASED_NAME, now.toISOString()],
    );
  }
}
