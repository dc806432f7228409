import { randomUUID } from 'node:crypto';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { getNamedType, getOperationAST, GraphQLSchema, isObjectType, parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { DEFAULT_QUERY_COST_LIMIT, documentedPageSize, operationCost, UNPAGED_LIST_SIZE } from '../../src/gateway/cost';
import { composeFromCode } from '../../src/schema-files';
import { rateLimitKeys } from '../../src/shared/redis.keys';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { collect, liveClient } from '../subscriptions/live';

/** One cost, with variables resolved, for the per-operation limit and the per-minute budget. */

const refusedForCost = (body: { errors?: any[] }) =>
  (body.errors ?? []).filter((e) => /^Query cost limit/i.test(String(e.message)));

/** Fixed one-minute windows: start a budget scenario early in a window, not just before it ends. */
async function freshWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}

const PERSON = randomUUID();

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = getStitchedSchemaFromSupergraphSdl({ supergraphSdl: (await composeFromCode()).supergraph });
});

/** What partners send at the documented page sizes: each must fit the default limit. */
const DOCUMENTED: Array<{ title: string; partner: string; query: string; variables?: Record<string, unknown> }> = [
  {
    title: 'persons, 100 with id and names',
    partner: 'jobcenter-steinfurt',
    query: '{ persons(first: 100) { edges { node { id givenName familyName } } } }',
  },
  {
    title: "the README's example at the default page size",
    partner: 'jobcenter-steinfurt',
    query:
      '{ persons(filter: { name: "Mohamad" }) { totalCount edges { node { givenName familyName nameVariants residenceStatus { status } jobcenter { customerNumber benefitStatus } biography(first: 2) { type summary } } } } }',
  },
  {
    title: "the README's example at 100",
    partner: 'jobcenter-steinfurt',
    query:
      '{ persons(first: 100, filter: { name: "Mohamad" }) { totalCount edges { node { givenName familyName nameVariants residenceStatus { status } jobcenter { customerNumber benefitStatus } biography(first: 2) { type summary } } } } }',
  },
  {
    title: 'notifications, 100',
    partner: 'rheine-social',
    query: '{ notifications(first: 100) { totalCount unreadCount edges { node { id type eventId } } } }',
  },
  {
    title: 'accessReport, 100 (as given by variable) and its default',
    partner: 'rheine-dpo',
    query: `query($first: Int) { a: accessReport(personId: "${PERSON}", first: $first) { totalCount edges { node { at partner kind categories purpose } } } b: accessReport(personId: "${PERSON}") { edges { node { at } } } }`,
    variables: { first: 100 },
  },
  {
    title: "a person's access report at its maximum 100, and the biography at its maximum 200",
    partner: 'rheine-dpo',
    query: `{ person(id: "${PERSON}") { id accessReport(first: 100) { edges { node { at partner kind categories purpose } } } biography(first: 200) { type summary } } }`,
  },
  {
    title: 'an inbox poll with deadlines, 100',
    partner: 'rheine-social',
    query:
      '{ referrals(first: 100, filter: { box: inbox }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status referralType sender receiver person { id givenName familyName } deadlines { kind dueAt state } } } } }',
  },
  {
    title: 'courses, 100 with their provider',
    partner: 'vhs-rheine',
    query: '{ courses(first: 100) { edges { node { id title startsOn provider { name } } } } }',
  },
];

describe('query cost (default limit)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('every documented page size with a realistic selection fits', async () => {
    expect(app.container.config.queryCostLimit).toBe(DEFAULT_QUERY_COST_LIMIT);
    for (const op of DOCUMENTED) {
      const res = await app.gql(op.partner, op.query, op.variables);
      expect({ title: op.title, status: res.status, refused: refusedForCost(res.body) }).toEqual({
        title: op.title,
        status: 200,
        refused: [],
      });
    }
  });

  it('page sizes given as variables count with their value: the variable form is refused like the literal one', async () => {
    const literal = await app.gql(
      'rheine-social',
      '{ persons(first: 100) { edges { node { biography(first: 100) { type } } } } }',
    );
    const byVariable = await app.gql(
      'rheine-social',
      'query($n: Int) { persons(first: $n) { edges { node { biography(first: $n) { type } } } } }',
      { n: 100 },
    );
    const byDefault = await app.gql(
      'rheine-social',
      'query($n: Int = 100) { persons(first: $n) { edges { node { biography(first: $n) { type } } } } }',
    );
    const expected = {
      message: `Query cost limit of ${DEFAULT_QUERY_COST_LIMIT} exceeded, found 10101; page smaller: persons (first: 100).`,
      extensions: {
        code: 'GRAPHQL_VALIDATION_FAILED',
        cost: 10101,
        limit: DEFAULT_QUERY_COST_LIMIT,
        list: 'persons',
        first: 100,
      },
    };
    for (const res of [literal, byVariable, byDefault]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [expected] });
    }
    // A variable that is given wins over its default.
    const small = await app.gql(
      'rheine-social',
      'query($n: Int = 100) { persons(first: $n) { edges { node { biography(first: $n) { type } } } } }',
      { n: 5 },
    );
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
  });

  it('the refusal names the list whose page size adds most', async () => {
    // persons: 1 + 10 × (1 + 200) = 2011; paging biography down saves more than paging persons.
    const res = await app.gql(
      'rheine-social',
      '{ persons(first: 10) { edges { node { biography(first: 200) { type } } } } }',
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: `Query cost limit of ${DEFAULT_QUERY_COST_LIMIT} exceeded, found 2011; page smaller: persons.edges.node.biography (first: 200).`,
        extensions: {
          code: 'GRAPHQL_VALIDATION_FAILED',
          cost: 2011,
          limit: DEFAULT_QUERY_COST_LIMIT,
          list: 'persons.edges.node.biography',
          first: 200,
        },
      },
    ]);
  });

  it('a variable that cannot be coerced is refused before the cost is counted, naming the argument', async () => {
    const res = await app.gql('rheine-social', 'query($n: Int) { persons(first: $n) { totalCount } }', { n: 'many' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^first: .*Int cannot represent/),
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      }),
    ]);
  });

  it('the per-minute budget is charged the cost the limit checks', async () => {
    const query = 'query($n: Int) { persons(first: $n) { edges { node { id household { id } } } } }';
    const document = parse(query);
    const { cost } = operationCost(schema, document, getOperationAST(document)!, { n: 30 });
    expect(cost).toBe(61); // 1 + 30 × (node 1 + household 1)
    await freshWindow();
    const window = Math.floor(Date.now() / 60_000);
    const key = rateLimitKeys(app.queuePrefix, 'fbs-rheine', window).cost;
    const before = Number((await app.container.redis.get(key)) ?? 0);
    const res = await app.gql('fbs-rheine', query, { n: 30 });
    expect(res.status).toBe(200);
    expect(Number(await app.container.redis.get(key))).toBe(before + 61);
  }, 75_000);
});

describe('query cost (configured limit)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { QUERY_COST_LIMIT: '60' } });
  });
  afterAll(() => app?.stop());

  it('QUERY_COST_LIMIT sets the limit; the refusal reports the cost the budget would have been charged', async () => {
    expect(app.container.config.queryCostLimit).toBe(60);
    const query = 'query($n: Int) { persons(first: $n) { edges { node { id household { id } } } } }';
    expect((await app.gql('rheine-social', query, { n: 29 })).status).toBe(200); // 59
    const over = await app.gql('rheine-social', query, { n: 30 });
    expect(over.status).toBe(400);
    expect(over.body.errors).toEqual([
      {
        message: 'Query cost limit of 60 exceeded, found 61; page smaller: persons (first: 30).',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost: 61, limit: 60, list: 'persons', first: 30 },
      },
    ]);
  });

  it('a subscription is costed and refused alike over WebSocket, and charged the same cost', async () => {
    // referralUpdated 1 + referral 1 + person 1 + biography 60 = 63
    const query = 'subscription($n: Int) { referralUpdated { referral { person { biography(first: $n) { type } } } } }';
    const client = liveClient(app.url, await app.token('rheine-social'));
    try {
      const over = collect(client, query, { n: 60 });
      await eventually(async () => over.errors.length > 0);
      expect(over.errors[0]).toEqual([
        {
          message:
            'Query cost limit of 60 exceeded, found 63; page smaller: referralUpdated.referral.person.biography (first: 60).',
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            cost: 63,
            limit: 60,
            list: 'referralUpdated.referral.person.biography',
            first: 60,
          },
        },
      ]);
      await freshWindow();
      const window = Math.floor(Date.now() / 60_000);
      const key = rateLimitKeys(app.queuePrefix, 'rheine-social', window).cost;
      const before = Number((await app.container.redis.get(key)) ?? 0);
      const fits = collect(client, query, { n: 50 }); // 53
      await eventually(async () => Number(await app.container.redis.get(key)) > before);
      expect(Number(await app.container.redis.get(key))).toBe(before + 53);
      expect(fits.errors).toEqual([]);
      fits.dispose();
    } finally {
      await client.dispose();
    }
  }, 75_000);

  it('QUERY_COST_LIMIT is validated', () => {
    for (const bad of ['0', '-5', 'lots', '1.5'])
      expect(() => loadConfig({ QUERY_COST_LIMIT: bad })).toThrow(/QUERY_COST_LIMIT must be an integer between 1 and/);
    expect(loadConfig({}).queryCostLimit).toBe(DEFAULT_QUERY_COST_LIMIT);
  });
});

describe('the cost formula', () => {
  const cost = (query: string, variables?: Record<string, unknown>) => {
    const document = parse(query);
    return operationCost(schema, document, getOperationAST(document)!, variables).cost;
  };

  it('scalars 0, objects 1, lists × page size, a connection as one list of its nodes', () => {
    expect(cost('{ __typename viewer { subject scopes } }')).toBe(1);
    expect(cost('{ persons(first: 7) { totalCount } }')).toBe(1);
    expect(cost('{ persons(first: 7) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } } }')).toBe(
      1 + 1 + 7,
    );
    expect(cost('{ persons { edges { node { id } } } }')).toBe(1 + 20); // documented default
    expect(cost(`{ accessReport(personId: "x") { edges { node { at } } } }`)).toBe(1 + 20);
    expect(cost('{ courseProviders { name courses { id } } }')).toBe(UNPAGED_LIST_SIZE * (1 + UNPAGED_LIST_SIZE));
    expect(cost('{ referrals(first: 2) { edges { node { deadlines { kind } } } } }')).toBe(1 + 2 * (1 + 3));
    // The examples of docs/partners.md#query-cost.
    expect(
      cost(
        '{ persons(filter: { name: "Mohamad" }) { totalCount edges { node { givenName familyName nameVariants residenceStatus { status } jobcenter { customerNumber benefitStatus } biography(first: 2) { type summary } } } } }',
      ),
    ).toBe(101);
    expect(
      cost(
        '{ referrals(first: 100, filter: { box: inbox }) { edges { node { id status person { id } deadlines { kind dueAt state } } } } }',
      ),
    ).toBe(501);
    expect(cost('{ notifications(first: 100) { edges { node { id type eventId } } } }')).toBe(101);
    // Page sizes beyond the maximum count as asked (the resolver refuses them anyway).
    expect(cost('{ persons(first: 5000) { edges { node { id } } } }')).toBe(5001);
  });

  it('fragments count as written out, a field selected twice once; @skip and @include are honoured', () => {
    const plain = '{ persons(first: 5) { edges { node { id household { id } } } } }';
    expect(cost(plain)).toBe(11);
    expect(
      cost(
        '{ persons(first: 5) { ...C edges { node { household { id } } } } } fragment C on PersonConnection { edges { node { ... on Person { id household { id } } } } }',
      ),
    ).toBe(11);
    expect(
      cost('query($s: Boolean!) { persons(first: 5) { edges { node { household @skip(if: $s) { id } } } } }', {
        s: true,
      }),
    ).toBe(6);
    expect(
      cost('query($s: Boolean!) { persons(first: 5) { edges { node { household @include(if: $s) { id } } } } }', {
        s: true,
      }),
    ).toBe(11);
  });

  it('every `first` argument documents its default and maximum ("1 to N, default D")', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const first = field.args.find((a) => a.name === 'first');
        if (first && !documentedPageSize(first)) undocumented.push(`${type.name}.${field.name}`);
        if (first) expect(getNamedType(first.type).name).toBe('Int');
      }
    }
    expect(undocumented).toEqual([]);
  });
});
