import { countQueries } from '../helpers/query-counter';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

/** House rule: no N+1. A page of persons with every joined field costs the same number of SQL queries for 5 or 30 persons. */
describe('DataLoaders keep the query count independent of the page size', () => {
  let app: TestApp;
  let queries: ReturnType<typeof countQueries>;

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 30; i++) {
      const id = await registerPersonViaApi(app, 'rheine-social', {
        givenName: 'Test',
        familyName: `N${String(i).padStart(2, '0')}`,
        newHousehold: true,
      });
      await app.gql(
        'rheine-abh',
        `mutation($id: ID!) { recordResidenceStatus(input: { personId: $id, status: recognised_refugee, validFrom: "2024-01-01" }) { id } }`,
        { id },
      );
      await app.gql(
        'jobcenter-steinfurt',
        `mutation($id: ID!, $n: String!) { openJobcenterRecord(input: { personId: $id, customerNumber: $n, municipalityKey: "05566076", startedOn: "2024-02-01" }) { id } }`,
        { id, n: `845D${String(100000 + i)}` },
      );
    }
    queries = countQueries(app);
  });
  afterAll(() => app?.stop());

  async function countFor(first: number): Promise<number> {
    queries.reset();
    const res = await app.gql(
      'jobcenter-steinfurt',
      `query($first: Int) { persons(first: $first) { edges { node {
      municipality { name } household { members { id } } residenceStatus { status } residenceHistory { status }
      jobcenter { customerNumber } identifiers { value } biography(first: 3) { type }
    } } } }`,
      { first },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.persons.edges).toHaveLength(first);
    return queries.count;
  }

  it('counts the same for 5 and 30 persons', async () => {
    const small = await countFor(5);
    const large = await countFor(30);
    expect(large).toBe(small);
    expect(small).toBeGreaterThanOrEqual(5); // the counter sees the queries at all
    // Data queries plus, per subgraph, one read of legal bases and one of consents.
    expect(small).toBeLessThanOrEqual(18);
  });
});
