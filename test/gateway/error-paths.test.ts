import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

/** Errors of fields another subgraph resolves, for a list of entities fetched in one batch. */
describe('error paths across subgraphs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 4; i++) await registerPerson(app, 'rheine-social');
  });
  afterAll(async () => app?.stop());

  it('gives each FORBIDDEN error of a batched entity field its own list index', async () => {
    const res = await app.gql(
      'rheine-social',
      `{ persons(first: 4) { edges { node { id jobcenter { customerNumber } } } } }`,
      undefined,
      { purpose: 'case_management' },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.persons.edges).toHaveLength(4);
    const errors = res.body.errors as Array<{ path: unknown[]; extensions: { code: string } }>;
    expect(errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(errors.map((e) => e.path).sort((a, b) => Number(a[2]) - Number(b[2]))).toEqual(
      [0, 1, 2, 3].map((i) => ['persons', 'edges', i, 'node', 'jobcenter']),
    );
  });
});
