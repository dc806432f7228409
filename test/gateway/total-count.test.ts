import { Logger as TypeOrmLogger } from 'typeorm';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/**
 * `totalCount` costs a COUNT over every matching row: lists run it only when the partner selected
 * the field. Seen through the gateway, so the subgraph decides on what the partner really asked.
 */
describe('lists count only when totalCount is selected', () => {
  let app: TestApp;
  let statements: string[] = [];
  let personId: string;
  const counts = () => statements.filter((sql) => /\bCOUNT\s*\(/i.test(sql));

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 12; i++)
      personId = await registerPersonViaApi(app, 'rheine-social', {
        givenName: 'Test',
        familyName: `${i < 7 ? 'Zählmann' : 'Anders'}${String.fromCharCode(97 + i)}`,
      });
    // Every statement any subgraph's DataSource sends (the connection pools' own SET commands aside).
    const spy: TypeOrmLogger = {
      logQuery: (sql) => void statements.push(sql),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    for (const sg of Object.values(app.container.subgraphs))
      (sg.dataSource as unknown as { logger: TypeOrmLogger }).logger = spy;
    // The audit log's reads (the access report) go through its own DataSource.
    (app.container.audit as unknown as { ds: { logger: TypeOrmLogger } }).ds.logger = spy;
  });
  afterAll(() => app?.stop());

  async function run(partner: string, query: string, variables?: Record<string, unknown>) {
    statements = [];
    const res = await app.gql(partner, query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  }

  it('persons(first: 10) without totalCount sends no COUNT', async () => {
    const data = await run('rheine-social', '{ persons(first: 10) { edges { node { id } } } }');
    expect(data.persons.edges).toHaveLength(10);
    expect(statements.some((sql) => sql.includes('"city"."person"'))).toBe(true); // the spy sees the list at all
    expect(counts()).toEqual([]);
  });

  it('with totalCount it counts once, exactly, also with a filter and after', async () => {
    const all = await run('rheine-social', '{ persons(first: 10) { totalCount edges { node { id } } } }');
    expect(all.persons.totalCount).toBe(12);
    expect(counts()).toHaveLength(1);

    const q = `query($after: String) { persons(first: 3, after: $after, filter: { name: "Zählm" }) {
      totalCount pageInfo { endCursor } edges { node { familyName } } } }`;
    const first = await run('rheine-social', q);
    expect(first.persons.totalCount).toBe(7);
    expect(counts()).toHaveLength(1);
    const next = await run('rheine-social', q, { after: first.persons.pageInfo.endCursor });
    expect(next.persons.totalCount).toBe(7);
    expect(next.persons.edges.map((e: any) => e.node.familyName)).toEqual(['Zählmannd', 'Zählmanne', 'Zählmannf']);
    expect(counts()).toHaveLength(1);
  });

  it('sees totalCount behind aliases and fragments, and not when skipped', async () => {
    const aliased = await run('rheine-social', '{ persons(first: 1) { n: totalCount } }');
    expect(aliased.persons.n).toBe(12);
    expect(counts()).toHaveLength(1);

    const named = await run(
      'rheine-social',
      `{ persons(first: 1) { ...Counted edges { node { id } } } }
       fragment Counted on PersonConnection { ... on PersonConnection { total: totalCount } }`,
    );
    expect(named.persons.total).toBe(12);
    expect(counts()).toHaveLength(1);

    const skipped = await run(
      'rheine-social',
      'query($skip: Boolean!) { persons(first: 1) { totalCount @skip(if: $skip) edges { node { id } } } }',
      { skip: true },
    );
    expect(skipped.persons.totalCount).toBeUndefined();
    expect(counts()).toEqual([]);
  });

  it.each([
    ['referrals', 'jobcenter-steinfurt', 'referrals(first: 10)'],
    ['courses', 'caritas-rheine', 'courses(first: 10)'],
    ['webhook endpoints', 'vhs-rheine', 'webhookEndpoints(first: 10)'],
    ['webhook deliveries', 'vhs-rheine', 'webhookDeliveries(first: 10)'],
  ])('%s count only when asked', async (_name, partner, field) => {
    await run(partner, `{ ${field} { edges { cursor } pageInfo { hasNextPage } } }`);
    expect(statements.length).toBeGreaterThan(0);
    expect(counts()).toEqual([]);
    const data = await run(partner, `{ list: ${field} { totalCount edges { cursor } } }`);
    expect(data.list.totalCount).toBe(data.list.edges.length);
    expect(counts()).toHaveLength(1);
  });

  it('the access report counts only when asked', async () => {
    const field = `accessReport(personId: "${personId}", first: 5)`;
    const page = await run('rheine-social', `{ ${field} { edges { node { partner } } coverage } }`);
    expect(page.accessReport.edges.length).toBeGreaterThan(0);
    expect(statements.some((sql) => sql.includes('audit.entry'))).toBe(true);
    expect(counts().filter((sql) => sql.includes('audit.entry'))).toEqual([]);
    const counted = await run('rheine-social', `{ ${field} { totalCount edges { node { partner } } } }`);
    expect(counted.accessReport.totalCount).toBeGreaterThanOrEqual(counted.accessReport.edges.length);
    expect(counts().filter((sql) => sql.includes('audit.entry'))).toHaveLength(1);
  });
});
