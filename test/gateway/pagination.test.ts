import { startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';

describe('persons pagination (Relay connection)', () => {
  let app: TestApp;
  const names = Array.from({ length: 25 }, (_, i) => `Family${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    app = await startTestApp();
    for (const familyName of names) await registerPersonViaApi(app, 'rheine-social', { givenName: 'Test', familyName });
  });
  afterAll(() => app?.stop());

  const page = (first: number, after?: string) =>
    app.gql(
      'rheine-social',
      `query($first: Int, $after: String) { persons(first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { familyName } } } }`,
      { first, after },
    );

  it('walks every person exactly once, in order, with a stable totalCount', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await page(10, after);
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data.persons;
      expect(conn.totalCount).toBe(25);
      seen.push(...conn.edges.map((e: any) => e.node.familyName));
      pages++;
      expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
  });

  it('defaults to 20 and rejects page sizes outside 1..100', async () => {
    const res = await app.gql('rheine-social', `{ persons { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(res.body.data.persons.edges).toHaveLength(20);
    expect(res.body.data.persons.pageInfo.hasNextPage).toBe(true);
    for (const first of [0, 101, -1]) {
      const bad = await page(first);
      expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  it('rejects a forged cursor', async () => {
    for (const forged of [
      'not-a-cursor',
      Buffer.from(JSON.stringify([1, 2, 'x'])).toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      const res = await page(5, forged);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('filters by municipality prefix and nationality', async () => {
    const res = await app.gql(
      'rheine-social',
      `{ a: persons(filter: { municipalityKey: "05566" }) { totalCount } b: persons(filter: { nationality: "SY" }) { totalCount } }`,
    );
    expect(res.body.data).toEqual({ a: { totalCount: 25 }, b: { totalCount: 0 } });
  });
});
