import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { PersonEntity } from './person.entity';
import { searchTerms } from './person.names';

/** A person's place in list order: family name, given name, id. */
export type SortKey = [familyName: string, givenName: string, id: string];

/** Distinct names a word may stand for and still be read name by name, each in list order. */
const MAX_NAMES = 100;
/** Index rows a word with more names may have and still be read whole and sorted. */
const MAX_ROWS = 2000;
/** Candidates read from `city.person_name` in the first round (each round doubles), and rounds before giving up on them. */
const BATCH = 50;
const MAX_ROUNDS = 8;

/**
 * Name search (person.names.ts: a word matches a name that starts with it or has the same
 * skeleton). Every word is tested on `p.search_names`, which decides the result; one word (the one
 * standing for the fewest names) also supplies candidates from `city.person_name` (migration 1765100000000), a B-tree that
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
     * How the leading word reads the index: `keys`, the names it is a prefix of and its skeleton,
     * each an ordered run; `range`, all its rows, sorted; null: too common, walk the list instead.
     */
    private readonly source: { keys: string[] } | { range: [from: string, to: string, skeleton: string] } | null,
  ) {}

  /** Adds the words' test to `qb` (alias `p`) and chooses how the leading word reads the index. */
  static async prepare(em: EntityManager, qb: SelectQueryBuilder<PersonEntity>, query: string): Promise<NameSearch> {
    const terms = searchTerms(query);
    terms.forEach((t, i) => {
      qb.andWhere(`EXISTS (SELECT 1 FROM unnest(p.search_names) n WHERE n LIKE :pre${i} OR n = :sk${i})`, {
        [`pre${i}`]: `${t.prefix}%`,
        [`sk${i}`]: t.skeleton,
      });
    });
    if (!terms.length) return new NameSearch(em, null);
    // The word standing for the fewest names leads (each name costs a run of the index).
    let best: { names: string[]; skeleton: string } | null = null;
    for (const t of terms) {
      const names = await distinctNames(em, t.prefix);
      if (names.length <= MAX_NAMES && (!best || names.length < best.names.length))
        best = { names, skeleton: t.skeleton };
    }
    if (best) return new NameSearch(em, { keys: [...best.names, best.skeleton] });
    const probe = terms.reduce((a, b) => (b.prefix.length > a.prefix.length ? b : a));
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
    const found: PersonEntity[] = [];
    let from = after;
    // Rounds follow each other in list order, each twice the last: a page of a word that the
    // other filters mostly refuse still ends in a few rounds.
    for (let round = 0, size = BATCH; round < MAX_ROUNDS; round++, size *= 2) {
      const next = await this.candidates(from, size);
      if (next.length)
        found.push(
          ...(await page
            .clone()
            .andWhere('p.id = ANY(:candidates::uuid[])', { candidates: next.map((c) => c.person_id) })
            .getMany()),
        );
      if (found.length >= limit || next.length < size) return found.slice(0, limit);
      const last = next[next.length - 1];
      from = [last.family_name, last.given_name, last.person_id];
    }
    return page.getMany();
  }

  /** The next `size` persons after `from` holding the word, in list order (with keys: each key's run merged). */
  private candidates(from: SortKey | null, size: number) {
    const params: unknown[] = from ? [...from] : [];
    const after = from ? ' AND (family_name, given_name, person_id) > ($1, $2, $3::uuid)' : '';
    const order = `ORDER BY family_name, given_name, person_id LIMIT ${size}`;
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

/**
 * The distinct names in [prefix, prefix~), up to one more than MAX_NAMES: an index descent each (a
 * loose index scan). Each step says LIMIT 1: min() may be planned as a pass over every row.
 */
async function distinctNames(em: EntityManager, prefix: string): Promise<string[]> {
  const rows = await em.query<Array<{ name: string }>>(
    `WITH RECURSIVE d(name) AS (
       (SELECT name FROM city.person_name WHERE name >= $1 AND name < $2 ORDER BY name LIMIT 1)
       UNION ALL
       SELECT (SELECT n.name FROM city.person_name n WHERE n.name > d.name AND n.name < $2 ORDER BY n.name LIMIT 1)
         FROM d WHERE d.name IS NOT NULL
     ) SELECT name FROM d WHERE name IS NOT NULL LIMIT ${MAX_NAMES + 1}`,
    [prefix, `${prefix}~`],
  );
  return rows.map((r) => r.name);
}
