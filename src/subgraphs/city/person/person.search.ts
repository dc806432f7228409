import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { PersonEntity } from './person.entity';
import { searchTerms } from './person.names';

/**
 * Above this many index rows for the probe word a name is common: the page is then found faster by
 * walking persons in list order (index `person_sort`) and testing each than by fetching every match
 * and sorting. Below it, the matches come from the index `person_name_pkey` and are few to sort.
 */
export const COMMON_NAME_ROWS = 1000;

/**
 * Restricts `qb` (alias `p`) to persons matching every word of `query`: a word matches a name that
 * starts with it or has the same skeleton (person.names.ts). The words' test on `p.search_names`
 * decides the result in both plans; `city.person_name` (migration 1765100000000) only supplies the
 * candidates of a rarely used word, read through a B-tree that row-level security lets PostgreSQL use.
 */
export async function filterByName(
  em: EntityManager,
  qb: SelectQueryBuilder<PersonEntity>,
  query: string,
): Promise<void> {
  const terms = searchTerms(query);
  terms.forEach((t, i) => {
    qb.andWhere(`EXISTS (SELECT 1 FROM unnest(p.search_names) n WHERE n LIKE :pre${i} OR n = :sk${i})`, {
      [`pre${i}`]: `${t.prefix}%`,
      [`sk${i}`]: t.skeleton,
    });
  });
  if (!terms.length) return;
  // The longest word is the likeliest to be rare.
  const probe = terms.reduce((a, b) => (b.prefix.length > a.prefix.length ? b : a));
  const rows: Array<{ person_id: string }> = await em.query(
    `SELECT n.person_id FROM city.person_name n
      WHERE (n.name >= $1 AND n.name < $2) OR n.name = $3
      LIMIT ${COMMON_NAME_ROWS + 1}`,
    [probe.prefix, `${probe.prefix}~`, probe.skeleton],
  );
  if (rows.length > COMMON_NAME_ROWS) return;
  qb.andWhere('p.id = ANY(:candidates::uuid[])', { candidates: [...new Set(rows.map((r) => r.person_id))] });
}
