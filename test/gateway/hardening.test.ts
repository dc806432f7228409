import { randomUUID } from 'node:crypto';
import { ApolloServer, ApolloServerPlugin, BaseContext, HeaderMap } from '@apollo/server';
import { getIntrospectionQuery } from 'graphql';
import Redis from 'ioredis';
import { Client } from 'pg';
import pino from 'pino';
import { ARMOR_LIMITS, armorConfig, createArmor } from '../../src/gateway/armor';
import { AccessTokenVerifier } from '../../src/gateway/auth';
import { buildGatewaySchema, createApolloServer } from '../../src/gateway/gateway';
import { createMetrics } from '../../src/gateway/metrics';
import { CachedPartnerDirectory } from '../../src/gateway/partner-directory';
import { EXAMPLE_OPERATIONS } from '../../src/gateway/examples';
import { MAX_BODY_BYTES } from '../../src/gateway/http';
import { formatError } from '../../src/shared/errors';
import { rateLimitKeys } from '../../src/shared/redis.keys';
import { startTestApp, TestApp } from '../helpers/app';

/** Query limits (graphql-armor, tuned), rate limits and subgraph timeouts, against the real gateway. */

const validationErrors = (body: { errors?: any[] }) =>
  (body.errors ?? []).filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');

/** persons → edges → node → household → members → … → id: exactly `depth` levels. */
function householdQuery(depth: number): string {
  const nested = Array.from({ length: depth - 4 }, (_, i) => (i % 2 === 0 ? 'household' : 'members'));
  return `{ persons(first: 1) { edges { node { ${nested.reduceRight((inner, field) => `${field} { ${inner} }`, 'id')} } } } }`;
}

describe('query limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('are the ones the issue asks for', () => {
    expect(ARMOR_LIMITS).toEqual({ maxDepth: 7, maxAliases: 5, maxTokens: 400, maxDirectives: 5 });
    const config = armorConfig();
    expect(config.maxDepth).toMatchObject({ n: 7, ignoreIntrospection: false, flattenFragments: true });
    expect(config.maxAliases).toMatchObject({ n: 5, allowList: [] });
    // The cost limit needs variables: admission checks it (src/gateway/cost.ts, test/gateway/cost.test.ts).
    expect(config.costLimit).toEqual({ enabled: false });
    expect(config.maxTokens).toMatchObject({ n: 400 });
    expect(config.maxDirectives).toMatchObject({ n: 5 });
    expect(config.blockFieldSuggestion).toMatchObject({ enabled: true });
  });

  it('depth: 7 passes, 8 is rejected; fragments add no level', async () => {
    const seven = await app.gql('rheine-social', householdQuery(7));
    expect(seven.body.errors).toBeUndefined();
    const eight = await app.gql('rheine-social', householdQuery(8));
    expect(eight.status).toBe(400);
    expect(eight.body.errors).toEqual([
      { message: 'Query depth limit of 7 exceeded, found 8.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    const viaFragments = await app.gql(
      'rheine-social',
      `{ persons(first: 1) { ...P } } fragment P on PersonConnection { edges { ... on PersonEdge { node { household { members { household { id } } } } } } }`,
    );
    expect(viaFragments.body.errors).toBeUndefined();
  });

  it('depth: __schema queries are limited too, and so is an operation named __schema', async () => {
    // graphql-js's own introspection-depth rule does not count ofType: only our limit stops this.
    const deep = await app.gql(
      'rheine-social',
      '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors).toEqual([
      { message: 'Query depth limit of 7 exceeded, found 8.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    const seven = await app.gql(
      'rheine-social',
      '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }',
    );
    expect(seven.body.errors).toBeUndefined();
    const named = await app.gql('rheine-social', `query __schema ${householdQuery(8)}`);
    expect(named.body.errors).toEqual([
      { message: 'Query depth limit of 7 exceeded, found 8.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it('the standard introspection query passes where introspection is on (GraphiQL), a deeper variant does not', async () => {
    // As graphql-js writes it today, and as GraphiQL 3 (graphql-js before 16.10) sends it.
    const today = getIntrospectionQuery({ inputValueDeprecation: true });
    const graphiql = getIntrospectionQuery().replace(
      /(queryType|mutationType|subscriptionType) \{ name kind \}/g,
      '$1 { name }',
    );
    for (const query of [today, graphiql, graphiql.replace('subscriptionType { name }', '')]) {
      const res = await app.gql('rheine-social', query);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.__schema.types.length).toBeGreaterThan(25);
    }
    // Anything else, even one field more, is limited like any query.
    const tampered = today.replace('queryType { name kind }', 'queryType { name kind __typename }');
    expect(tampered).not.toBe(today);
    const res = await app.gql('rheine-social', tampered);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Query depth limit of 7 exceeded/)]),
    );
    // Within the depth limit, a non-standard introspection document is costed like any query.
    const wide = await app.gql('rheine-social', '{ __schema { types { fields { args { type { name } } } } } }');
    expect(wide.status).toBe(400);
    expect(wide.body.errors[0].message).toMatch(
      /^Query cost limit of 2000 exceeded, found \d+; page smaller|select less/,
    );
  });

  it('aliases: 5 pass, 6 are rejected, __typename included', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect((await app.gql('rheine-social', aliases(5))).body.data.a4).toBe('Query');
    const six = await app.gql('rheine-social', aliases(6));
    expect(six.status).toBe(400);
    expect(six.body.errors).toEqual([
      { message: 'Aliases limit of 5 exceeded, found 6.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    const fields = await app.gql(
      'rheine-social',
      '{ a: viewer { subject } b: viewer { subject } c: viewer { subject } d: viewer { subject } e: viewer { subject } f: viewer { subject } }',
    );
    expect(fields.body.errors[0].message).toBe('Aliases limit of 5 exceeded, found 6.');
  });

  it('cost: above 2000 is rejected (the formula: test/gateway/cost.test.ts)', async () => {
    const biographies = (n: number) => `{ persons(first: ${n}) { edges { node { biography(first: 100) { type } } } } }`;
    const ok = await app.gql('rheine-social', biographies(19)); // 1 + 19 × (1 + 100)
    expect(ok.body.errors).toBeUndefined();
    const tooMuch = await app.gql('rheine-social', biographies(20));
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors).toEqual([
      {
        message:
          'Query cost limit of 2000 exceeded, found 2021; page smaller: persons.edges.node.biography (first: 100).',
        extensions: {
          code: 'GRAPHQL_VALIDATION_FAILED',
          cost: 2021,
          limit: 2000,
          list: 'persons.edges.node.biography',
          first: 100,
        },
      },
    ]);
  });

  it('tokens: 400 pass, 401 are rejected before parsing ends', async () => {
    const tokens = (n: number) => `{ ${'__typename '.repeat(n - 2)}}`; // "{" + fields + "}"
    const ok = await app.gql('rheine-social', tokens(400));
    expect(ok.body.errors).toBeUndefined();
    const over = await app.gql('rheine-social', tokens(401));
    expect(over.status).toBe(400);
    expect(over.body.errors).toEqual([
      { message: 'Token limit of 400 exceeded.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    // Comments are not tokens; other syntax errors stay parse errors.
    expect((await app.gql('rheine-social', `# ${'x '.repeat(1000)}\n{ __typename }`)).body.data.__typename).toBe(
      'Query',
    );
    expect((await app.gql('rheine-social', '{ __typename')).body.errors[0].extensions.code).toBe(
      'GRAPHQL_PARSE_FAILED',
    );
  });

  it('directives: 5 pass, 6 are rejected', async () => {
    const directives = (n: number) => `{ ${'__typename @include(if: true) '.repeat(n)}}`;
    expect((await app.gql('rheine-social', directives(5))).body.data.__typename).toBe('Query');
    const six = await app.gql('rheine-social', directives(6));
    expect(six.status).toBe(400);
    expect(six.body.errors).toEqual([
      { message: 'Directives limit of 5 exceeded, found 6.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it("armor's Apollo integration leaks no unexpected error (its own plugin would answer with the message)", async () => {
    const armor = createArmor<BaseContext>({ env: 'production' });
    const boom: ApolloServerPlugin = {
      async requestDidStart() {
        return {
          async didResolveSource() {
            throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
          },
        };
      },
    };
    const server = new ApolloServer({
      typeDefs: 'type Query { a: Int }',
      plugins: [...armor.plugins, boom],
      validationRules: armor.validationRules,
      formatError,
      includeStacktraceInErrorResponses: false,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await server.start();
    try {
      const res = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: 'POST',
          headers: new HeaderMap([['content-type', 'application/json']]),
          search: '',
          body: { query: '{ a }' },
        },
        context: async () => ({}),
      });
      expect(res.status).toBe(500);
      expect(res.body.kind === 'complete' && JSON.parse(res.body.string)).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    } finally {
      await server.stop();
    }
  });

  it('request body: up to 100 kB', async () => {
    const token = await app.token('rheine-social');
    const post = (size: number) => {
      const base = JSON.stringify({ query: '{ __typename } #' });
      const body = JSON.stringify({ query: `{ __typename } #${'x'.repeat(size - base.length)}` });
      expect(Buffer.byteLength(body)).toBe(size);
      return fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
    };
    expect(MAX_BODY_BYTES).toBe(100 * 1024);
    expect((await post(MAX_BODY_BYTES)).status).toBe(200);
    expect((await post(MAX_BODY_BYTES + 1)).status).toBe(413);
  });

  it('the saved GraphiQL examples stay within the limits', async () => {
    for (const ex of EXAMPLE_OPERATIONS) {
      const res = await app.gql(ex.partner, ex.query, ex.variables);
      const rejected = validationErrors(res.body).map((e) => e.message);
      expect({ example: ex.title, rejected }).toEqual({ example: ex.title, rejected: [] });
    }
  });
});

/** Fixed one-minute windows: start a rate-limit scenario early in a window, not just before it ends. */
async function freshWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}

describe('per-partner rate limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '3', RATE_LIMIT_COST_PER_MINUTE: '100' } });
  });
  afterAll(() => app?.stop());

  it('come from the configuration', () => {
    expect(app.container.config.rateLimit).toEqual({ operationsPerMinute: 3, costPerMinute: 100 });
  });

  it('operations: the 4th in a minute gets 429, RATE_LIMITED and Retry-After; other partners are not affected', async () => {
    await freshWindow();
    for (let i = 0; i < 3; i++)
      expect((await app.gql('rheine-social', '{ __typename }')).body.data.__typename).toBe('Query');
    const token = await app.token('rheine-social');
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: `Rate limit of 3 operations per minute exceeded; retry in ${retryAfter} s`,
        extensions: { code: 'RATE_LIMITED', limit: 'operations', retryAfter },
      },
    ]);
    // Another partner has its own budget.
    expect((await app.gql('rheine-youth', '{ __typename }')).body.data.__typename).toBe('Query');
    // Counters live under the installation's prefix and expire.
    const window = Math.floor(Date.now() / 60_000);
    const key = rateLimitKeys(app.queuePrefix, 'rheine-social', window).ops;
    expect(await app.container.redis.get(key)).toBe('3'); // rejected operations are not counted
    const ttl = await app.container.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120_000);
  }, 75_000);

  it('cost: once the budget is spent, the next operation waits for the next minute', async () => {
    await freshWindow();
    // The first operation of a window always gets through, even one above the whole budget (else it never would).
    const big = await app.gql('caritas-rheine', '{ courses(first: 100) { edges { node { title } } } }'); // 101
    expect(big.body.errors).toBeUndefined();
    const next = await app.gql('caritas-rheine', '{ viewer { subject } }'); // 1
    expect(next.status).toBe(429);
    expect(next.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'cost' });
    expect(next.body.errors[0].message).toMatch(
      /^Rate limit of 100 cost per minute exceeded \(this operation: 1\); retry in \d+ s$/,
    );
  }, 75_000);

  it('fail open: if Redis does not answer, operations are let through with a warning', async () => {
    const { config, subgraphs, identity, audit, rowSecurity } = app.container;
    const verifier = new AccessTokenVerifier({
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      devPublicKey: app.devKey.publicKey,
      partners: new CachedPartnerDirectory(subgraphs.hub.services.partners),
    });
    const actor = await verifier.verify(`Bearer ${await app.token('fbs-rheine')}`, 'req-fail-open');
    const unreachable = new Redis('redis://127.0.0.1:9', { lazyConnect: true });
    const hanging = { status: 'ready', eval: () => new Promise(() => undefined) } as unknown as Redis;
    const failing = {
      status: 'ready',
      eval: async () => {
        throw new Error("READONLY You can't write against a read only replica.");
      },
    } as unknown as Redis;
    for (const redis of [unreachable, hanging, failing]) {
      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      const opts = {
        config: { ...config, rateLimit: { operationsPerMinute: 1, costPerMinute: 1 } },
        subgraphs,
        identity,
        audit,
        rowSecurity,
        metrics: createMetrics(),
        redis,
      };
      const server = createApolloServer(buildGatewaySchema(opts).schema, opts);
      try {
        for (let i = 0; i < 3; i++) {
          const res = await server.executeOperation(
            { query: '{ __typename }' },
            { contextValue: { actor, requestId: 'req-fail-open', log } },
          );
          expect(res.body.kind === 'single' && res.body.singleResult).toMatchObject({ data: { __typename: 'Query' } });
        }
      } finally {
        await server.stop();
      }
      // One warning, not one per operation.
      expect(lines.filter((l) => l.includes('rate limit not enforced'))).toHaveLength(1);
    }
    unreachable.disconnect();
  });
});

describe('subgraph timeouts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SUBGRAPH_TIMEOUT_MS: '300' } });
  });
  afterAll(() => app?.stop());

  it('an in-process subgraph that does not answer in time yields SUBGRAPH_TIMEOUT; the others answer', async () => {
    expect(app.container.config.subgraphTimeoutMs).toBe(300);
    // Hold a lock on the city subgraph's person table: its query waits, the hub's does not.
    const db = new Client({ connectionString: app.db.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('LOCK TABLE city.person IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await app.gql('rheine-social', `{ viewer { subject } person(id: "${randomUUID()}") { id } }`);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.body.errors).toEqual([
        {
          message: 'Subgraph city did not answer within 300 ms',
          path: ['person'],
          extensions: { code: 'SUBGRAPH_TIMEOUT' },
        },
      ]);
      expect(res.body.data).toEqual({ viewer: { subject: 'client:rheine-social' }, person: null });
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
    const after = await app.gql('rheine-social', '{ viewer { subject } persons(first: 1) { totalCount } }');
    expect(after.body.errors).toBeUndefined();
  });
});
