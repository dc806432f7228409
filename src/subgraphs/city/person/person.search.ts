import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { PersonEntity } from './person.entity';
import { searchTerms } from './person.names';

/** A person's place in list order: family name, given name, id. */
export type SortKey = [familyName: string, givenName: string, id: string];

/** Distinct names a word may stand for and still be read name by name, each in list order. */
const MAX_NAMES = 20;
/** Index rows a word with more names may have and still be read whole and sorted. */
const MAX_ROWS = 2000;
/** Candidates read from `city.person_name` per round, and rounds before giving up on them. */
const BATCH = 50;
const MAX_ROUNDS = 8;

/**
 * Name search (person.names.ts: a word matches a name that starts with it or has the same
 * skeleton). Every word is tested on `p.search_names`, which decides the result; the longest word
 * also supplies candidates from `city.person_name` (migration 1765100000000), a B-tree that
 * row-level security lets PostgreSQL use and that yields each name's persons in list order.
 *
 * A word that stands for at most MAX_NAMES names (a whole name does) costs a page about its own
 * size, whether the name is rare or held by half the city. A word standing for more names is read
 * whole when it has at most MAX_ROWS index rows; beyond that (a letter or two) its matches are
 * everywhere, and walking the list order (`person_sort`) finds a page soonest.
 */
export class NameSearch {
  private constructor(
    private readonly em: EntityManager,
    /**
     * How the longest word reads the index: `keys`, the names it is a prefix of and its skeleton,
     * each an ordered run; `range`, all its rows, sorted; null: too common, walk the list instead.
     */
    private readonly source: { keys: string[] } | { range: [from: string, to: string, skeleton: string] } | null,
  ) {}

  /** Adds the words' test to `qb` (alias `p`) and looks up which names the longest word stands for. */
  static async prepare(em: EntityManager, qb: SelectQueryBuilder<PersonEntity>, query: string): Promise<NameSearch> {
    const terms = searchTerms(query);
    terms.forEach((t, i) => {
      qb.andWhere(`EXISTS (SELECT 1 FROM unnest(p.search_names) n WHERE n LIKE :pre${i} OR n = :sk${i})`, {
        [`pre${i}`]: `${t.prefix}%`,
        [`sk${i}`]: t.skeleton,
      });
    });
    if (!terms.length) return new NameSearch(em, null);
    const probe = terms.reduce((a, b) => (b.prefix.length > a.prefix.length ? b : a));
    // The distinct names in [word, word~), one index descent each (a loose index scan).
    const names: Array<{ name: string }> = await em.query(
      `WITH RECURSIVE d(name) AS (
         SELECT min(name) FROM city.person_name WHERE name >= $1 AND name < $2
         UNION ALL
         SELECT (SELECT min(n.name) FROM city.person_name n WHERE n.name > d.name AND n.name < $2)
           FROM d WHERE d.name IS NOT NULL
       ) SELECT name FROM d WHERE name IS NOT NULL LIMIT ${MAX_NAMES + 1}`,
      [probe.prefix, `${probe.prefix}~`],
    );
    if (names.length <= MAX_NAMES) return new NameSearch(em, { keys: [...names.map((n) => n.name), probe.skeleton] });
    const range: [string, string, string] = [probe.prefix, `${probe.prefix}~`, probe.skeleton];
    const [{ n }] = await em.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM city.person_name
        WHERE (name >= $1 AND name < $2) OR name = $3 LIMIT ${MAX_ROWS + 1}) r`,
      range,
    );
    return new NameSearch(em, n <= MAX_ROWS ? { range } : null);
  }

  /**
   * The first `limit` rows of `page` (ordered by list order, all filters applied, `after` included).
   * With candidates: rounds of the next persons holding one of the names, in list order, until the
   * page is full or they run out; the page query then fetches them by id. A word too short to
   * enumerate, or filters that refuse most candidates, walk the list order instead (`person_sort`).
   */
  async page(page: SelectQueryBuilder<PersonEntity>, after: SortKey | null, limit: number): Promise<PersonEntity[]> {
    if (!this.source) return page.getMany();
    const ids: string[] = [];
    let from = after;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const next = await this.candidates(from);
      ids.push(...next.map((c) => c.person_id));
      const rows = ids.length
        ? await page.clone().andWhere('p.id = ANY(:candidates::uuid[])', { candidates: ids }).getMany()
        : [];
      if (rows.length >= limit || next.length < BATCH) return rows;
      const last = next[next.length - 1];
      from = [last.family_name, last.given_name, last.person_id];
    }
    return page.getMany();
  }

  /** The next BATCH persons after `from` holding the word, in list order (with keys: each key's run merged). */
  private candidates(from: SortKey | null) {
    const params: unknown[] = from ? [...from] : [];
    const after = from ? ' AND (family_name, given_name, person_id) > ($1, $2, $3::uuid)' : '';
    const order = `ORDER BY family_name, given_name, person_id LIMIT ${BATCH}`;
    let rows: string;
    if ('keys' in this.source!) {
      rows = this.source.keys
        .map((key) => {
          params.push(key);
          return `(SELECT person_id, family_name, given_name FROM city.person_name
            WHERE name = $${params.length}${after} ${order})`;
        })
        .join(' UNION ALL ');
    } else {
      const at = params.length;
      params.push(...this.source!.range);
      rows = `SELECT person_id, family_name, given_name FROM city.person_name
        WHERE ((name >= $${at + 1} AND name < $${at + 2}) OR name = $${at + 3})${after}`;
    }
    return this.em.query<Array<{ person_id: string; family_name: string; given_name: string }>>(
      `SELECT DISTINCT person_id, family_name, given_name FROM (${rows}) c ${order}`,
      params,
    );
  }
}
