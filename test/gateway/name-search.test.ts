import { Client } from 'pg';
import { Logger as TypeOrmLogger } from 'typeorm';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

const RHEINE = '05566076';
/** The name test before this index existed: every searchable form of the person, one word after the other. */
const reference = (words: number, from = 1) =>
  Array.from(
    { length: words },
    (_, i) =>
      `EXISTS (SELECT 1 FROM unnest(p.search_names) n WHERE n LIKE $${from + 2 * i} OR n = $${from + 2 * i + 1})`,
  ).join(' AND ');

/**
 * Name search under row-level security: the plan reads an index (a B-tree PostgreSQL may use for
 * leakproof comparisons) instead of every person, and the results are those of the plain test.
 */
describe('name search', () => {
  let app: TestApp;
  let admin: Client;
  let statements: Array<{ sql: string; params: unknown[] }> = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp();
    admin = new Client({ connectionString: app.db.url }); // the owner: no row security, may ANALYZE
    await admin.connect();
    const people: Array<[string, string, string, string[]]> = [
      ['rare', 'Olena', 'Quastenbrink', []],
      ['mohammed', 'Mohammed', 'Abdallah', ['Muhammad', 'Mohamad']],
      ['hassan', 'Amira', 'Al-Hassan', ['Alhasan']],
      ['yilmaz', 'Ayşe', 'Yılmaz', []],
      ['muller', 'Jürgen', 'Müller', ['Mueller']],
    ];
    for (const [key, givenName, familyName, nameVariants] of people)
      ids[key] = await registerPersonViaApi(app, 'rheine-social', { givenName, familyName, nameVariants });
    // A few thousand more, server-side; the triggers index them as they index registrations.
    await admin.query(
      `INSERT INTO city.person (id, municipality_key, given_name, family_name, search_names, sex, registered_at, updated_at)
       SELECT gen_random_uuid(), CASE WHEN g % 4 = 0 THEN '05566008' ELSE $1 END,
              (ARRAY['Mohammed','Ahmad','Fatima','Olena','Yusuf'])[1 + g % 5], 'Gen' || g,
              ARRAY[lower((ARRAY['Mohammed','Ahmad','Fatima','Olena','Yusuf'])[1 + g % 5]), '~g' || g, 'gen' || g, '~gn' || g],
              'unknown', now(), now()
         FROM generate_series(1, 4000) g`,
      [RHEINE],
    );
    await admin.query('ANALYZE city.person');
    await admin.query('ANALYZE city.person_name');
    const spy: TypeOrmLogger = {
      logQuery: (sql, params) => void statements.push({ sql, params: (params ?? []) as unknown[] }),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    (app.container.subgraphs.city.dataSource as unknown as { logger: TypeOrmLogger }).logger = spy;
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  /** Every node of a JSON plan, flattened. */
  const nodes = (plan: any): any[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

  /** The plans of the statements the last search sent, explained as the partner's request ran them. */
  async function plansOf(sent: typeof statements) {
    const ds = app.container.subgraphs.city.dataSource;
    return app.container.rowSecurity.run([RHEINE], () =>
      Promise.all(
        sent
          .filter((s) => /^\s*SELECT/i.test(s.sql) && /city"?\."?person/.test(s.sql))
          .map(async (s) => ({
            sql: s.sql,
            plan: nodes((await ds.query(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params))[0]['QUERY PLAN'][0].Plan),
          })),
      ),
    );
  }

  it.each([
    ['a rare name', 'Quastenb', 1],
    ['a name held by 800', 'Fatima', 10],
  ])('reads %s from indexes, under row-level security', async (_what, name, found) => {
    statements = [];
    const res = await app.gql(
      'rheine-social',
      'query($name: String!) { persons(first: 10, filter: { name: $name }) { edges { node { id } } } }',
      { name },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.persons.edges).toHaveLength(found);
    const plans = await plansOf(statements);
    // No statement reads a whole table.
    expect(plans.flatMap((p) => p.plan).filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    // The candidates come from the name index ...
    const names = plans.filter((p) => /city\.person_name/.test(p.sql));
    expect(names.flatMap((p) => p.plan).map((n) => n['Index Name'])).toContain('person_name_pkey');
    // ... and the page fetches them by id.
    const page = plans.filter((p) => /"city"\."person" "p"/.test(p.sql));
    expect(page.length).toBeGreaterThan(0);
    for (const p of page) expect(p.plan.map((n) => n['Index Name'])).toContain('person_pkey');
  });

  it('finds what the plain test finds: rare and common names, short words, filters, every page', async () => {
    const { searchTerms } = await import('../../src/subgraphs/city/person/person.names');
    const cases: Array<[string, string?]> = [
      ['Quastenbrink'],
      ['muhamad'],
      ['Mohammed Abdallah'],
      ['al hassan'],
      ['Alhasan'],
      ['yilmaz'],
      ['Muller'],
      ['mo'],
      ['gen12'],
      ['gen1'],
      ['gen'],
      ['g'],
      ['Tkachenko'],
      ['gen1', RHEINE],
      ['gen', '05566008'], // outside the partner's jurisdiction: every candidate is refused
    ];
    for (const [query, municipalityKey] of cases) {
      const found: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const res: any = await app.gql(
          'rheine-social',
          `query($q: String!, $after: String, $mk: String) { persons(first: 100, after: $after,
            filter: { name: $q, municipalityKey: $mk }) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
          { q: query, after, mk: municipalityKey ?? null },
        );
        expect(res.body.errors).toBeUndefined();
        found.push(...res.body.data.persons.edges.map((e: any) => e.node.id));
        if (!res.body.data.persons.pageInfo.hasNextPage) break;
        after = res.body.data.persons.pageInfo.endCursor;
      }
      const terms = searchTerms(query);
      const expected = await admin.query(
        `SELECT p.id FROM city.person p WHERE p.municipality_key LIKE '05566076%' AND p.municipality_key LIKE $1
            AND ${reference(terms.length, 2)} ORDER BY p.family_name, p.given_name, p.id`,
        [`${municipalityKey ?? ''}%`, ...terms.flatMap((t) => [`${t.prefix}%`, t.skeleton])],
      );
      expect({ query, municipalityKey, found }).toEqual({
        query,
        municipalityKey,
        found: expected.rows.map((r) => r.id),
      });
    }
  });

  it('forgets an erased name: clearing search_names removes its index rows', async () => {
    const count = async () =>
      (await admin.query('SELECT count(*)::int AS n FROM city.person_name WHERE person_id = $1', [ids.muller])).rows[0]
        .n;
    expect(await count()).toBeGreaterThan(0);
    await admin.query(`UPDATE city.person SET search_names = '{}' WHERE id = $1`, [ids.muller]);
    expect(await count()).toBe(0);
    const res = await app.gql('rheine-social', '{ persons(filter: { name: "Mueller" }) { edges { node { id } } } }');
    expect(res.body.data.persons.edges).toEqual([]);
  });
});
