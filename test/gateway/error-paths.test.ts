import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, GraphQLError, parse } from 'graphql';
import { locateSubgraphErrors } from '../../src/gateway/error-paths';
import { badInput } from '../../src/shared/errors';
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

/** The relocation itself, on a schema of its own: no subgraph needed. */
describe('locateSubgraphErrors', () => {
  const schema = locateSubgraphErrors(
    makeExecutableSchema({
      typeDefs: `type Query { items: [Item!]! both: Int mixed: Int } type Item { id: Int! name: String }`,
      resolvers: {
        Query: {
          items: () => [{ id: 0 }, { id: 1 }],
          both: () => new AggregateError([badInput('from: not a time', 'from'), badInput('to: not a time', 'to')]),
          mixed: () => new AggregateError([badInput('from: not a time', 'from'), new GraphQLError('db failed')]),
        },
        // Every item's error arrives with the first item's path, as stitching hands them on.
        Item: {
          name: () =>
            new GraphQLError('No legal basis', { path: ['items', 0, 'name'], extensions: { code: 'FORBIDDEN' } }),
        },
      },
    }),
  );

  it('puts each error at the path of the field that returns it', async () => {
    const result = await execute({ schema, document: parse('{ items { id name } }') });
    expect(result.errors?.map((e) => e.path)).toEqual([
      ['items', 0, 'name'],
      ['items', 1, 'name'],
    ]);
  });

  it('merges several errors of one field into one naming every field; an uncoded one keeps it internal', async () => {
    const result = await execute({ schema, document: parse('{ both mixed }') });
    const [both, mixed] = result.errors ?? [];
    expect(both.path).toEqual(['both']);
    expect(both.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'from', fields: ['from', 'to'] });
    expect(both.message).toBe('from: not a time; to: not a time');
    expect(mixed.path).toEqual(['mixed']);
    expect(mixed.extensions.code).toBeUndefined();
  });
});
