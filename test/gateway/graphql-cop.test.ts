import { startProductionApp } from '../helpers/production';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * The probes of graphql-cop (github.com/dolevf/graphql-cop, lib/tests/*.py), ported: the same
 * requests, and each test asserts the opposite of graphql-cop's "vulnerable" condition, plus the
 * rejection we expect instead. Probes carry a partner token: without one every request is 401 and
 * nothing behind authentication would be probed.
 *
 * Production behaviour is probed on a gateway in production mode over HTTP: production accepts
 * tokens only from a JWKS, so the test serves the dev key's public half as one.
 */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** graphql-cop's graph_query: POST JSON `{ query, operationName: "cop" }`, or an array of ten for batching. */
async function graphQuery(
  app: TestApp,
  payload: string,
  opts: { batch?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = opts.batch
    ? Array.from({ length: 10 }, () => ({ query: payload }))
    : { query: payload, operationName: 'cop' };
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await app.token('rheine-social')}`,
      ...opts.headers,
    },
    body: JSON.stringify(body),
  });
  return answer(res);
}

/** graphql-cop's request: GET with query parameters, or POST with a form body (requests' `data=`). */
async function request(
  app: TestApp,
  opts: {
    method: 'GET' | 'POST';
    params?: Record<string, string>;
    form?: Record<string, string>;
    path?: string;
    headers?: Record<string, string>;
  },
): Promise<Answer> {
  const url = new URL(opts.path ?? '/graphql', app.url);
  for (const [k, v] of Object.entries(opts.params ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {
    authorization: `Bearer ${await app.token('rheine-social')}`,
    ...opts.headers,
  };
  const init: RequestInit = { method: opts.method, headers };
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(opts.form).toString();
  }
  return answer(await fetch(url, init));
}

const codes = (a: Answer): string[] => (a.json?.errors ?? []).map((e: any) => e.extensions?.code);
const messages = (a: Answer): string[] => (a.json?.errors ?? []).map((e: any) => e.message);

/** Nothing in an answer that tells how the server is built: no stack, no exception, no tracing. */
function expectNoDebugDetails(a: Answer) {
  expect(a.text).not.toMatch(/stacktrace|"exception"|"tracing"|"ftv1"|at [A-Za-z.]+ \(/);
  for (const e of a.json?.errors ?? []) expect(Object.keys(e.extensions ?? {}).sort()).not.toContain('stacktrace');
}

describe('graphql-cop probes', () => {
  let app: TestApp;
  let production: Awaited<ReturnType<typeof startProductionApp>>;
  let prod: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    // Trusted documents off: they would refuse every probe before the layers probed here (see trusted-documents.test.ts).
    production = await startProductionApp({ TRUSTED_DOCUMENTS: 'false' });
    prod = production.app;
  });
  afterAll(async () => {
    await app?.stop();
    await production?.close();
  });

  it('the production gateway really is in production mode and answers partners', async () => {
    expect(prod.container.config.env).toBe('production');
    const ok = await graphQuery(prod, 'query cop { viewer { subject } }');
    expect(ok.status).toBe(200);
    expect(ok.json.data.viewer.subject).toBe('client:rheine-social');
  });

  describe('information leakage', () => {
    it('Introspection: off in production', async () => {
      const res = await graphQuery(prod, 'query cop { __schema { types { name fields { name } } } }');
      expect(res.json?.data?.__schema?.types).toBeFalsy();
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        validationErrorCode: 'INTROSPECTION_DISABLED',
      });
      // __type is introspection too.
      const type = await graphQuery(prod, 'query cop { __type(name: "Person") { fields { name } } }');
      expect(type.json?.data).toBeUndefined();
      expect(type.status).toBe(400);
    });

    it('Introspection: on in development and test, for GraphiQL (by design)', async () => {
      const res = await graphQuery(app, 'query cop { __schema { types { name fields { name } } } }');
      expect(res.json.data.__schema.types.length).toBeGreaterThan(25);
    });

    it('GraphQL IDE: no GraphiQL or landing page in production', async () => {
      const heuristics = ['graphiql.min.css', 'GraphQL Playground', 'GraphiQL', 'graphql-playground'];
      for (const path of ['/', '/graphql', '/graphiql']) {
        const res = await request(prod, { method: 'GET', path, headers: { accept: 'text/html' } });
        for (const word of heuristics) expect(res.text).not.toContain(word);
      }
    });

    it('Field Suggestions: no "Did you mean", in any environment', async () => {
      for (const target of [app, prod]) {
        const res = await graphQuery(target, 'query cop { __schema { directive } }');
        expect(res.status).toBe(400);
        expect(messages(res).join('\n')).not.toContain('Did you mean');
        // Our own schema (the stitched supergraph): fields, arguments, enum values, variables.
        for (const [query, variables] of [
          ['{ persns { totalCount } }', undefined],
          ['{ persons(frist: 1) { totalCount } }', undefined],
          ['{ personByIdentifier(system: azr_numbr, value: "x") { id } }', undefined],
          ['query($s: IdentifierSystem!) { personByIdentifier(system: $s, value: "x") { id } }', { s: 'azr_numbr' }],
        ] as const) {
          const r = await target.gql('rheine-social', query, variables);
          expect(r.body.errors?.length).toBeGreaterThan(0);
          expect(JSON.stringify(r.body)).not.toContain('Did you mean');
        }
      }
    });

    it('Trace Mode: no tracing, not even the federated trace a router may ask for', async () => {
      for (const target of [app, prod]) {
        const plain = await graphQuery(target, 'query cop { __typename }');
        expect(plain.json.data.__typename).toBe('Query');
        expect(plain.json.extensions).toBeUndefined();
        const ftv1 = await graphQuery(target, 'query cop { __typename }', {
          headers: { 'apollo-federation-include-trace': 'ftv1' },
        });
        expect(ftv1.json.extensions).toBeUndefined();
        expectNoDebugDetails(ftv1);
      }
    });

    it('Unhandled Errors Detection: a syntax error is a plain GRAPHQL_PARSE_FAILED', async () => {
      for (const target of [app, prod]) {
        const res = await graphQuery(target, 'qwerty cop { abc }');
        expect(res.status).toBe(400);
        expect(codes(res)).toEqual(['GRAPHQL_PARSE_FAILED']);
        expect(res.json.errors[0].extensions.exception).toBeUndefined();
        expectNoDebugDetails(res);
      }
    });

    it('production masks internal errors: no message, no stack, no SQL', async () => {
      // A real internal error: the table the city subgraph reads is gone for a moment.
      const db = new Client({ connectionString: prod.db.url });
      await db.connect();
      try {
        await db.query('ALTER TABLE city.person RENAME TO person_gone');
        const res = await graphQuery(prod, 'query cop { persons(first: 1) { totalCount } }');
        expect(res.json.errors).toEqual([
          { message: 'Internal server error', path: ['persons'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ]);
        expect(res.text).not.toMatch(/person_gone|relation|city\.|QueryFailedError|SELECT/i);
        expectNoDebugDetails(res);
      } finally {
        await db.query('ALTER TABLE city.person_gone RENAME TO person');
        await db.end();
      }
    });
  });

  describe('denial of service', () => {
    it('Alias Overloading: 101 aliases of __typename are rejected', async () => {
      let aliases = '';
      for (let i = 0; i < 101; i++) aliases += `alias${i}:__typename \n`;
      const res = await graphQuery(app, `query cop { ${aliases} }`);
      expect(res.json?.data?.alias100).toBeUndefined();
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([
        { message: 'Aliases limit of 5 exceeded, found 101.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('Array-based Query Batching: refused', async () => {
      const res = await graphQuery(app, 'query cop { __typename }', { batch: true });
      expect(Array.isArray(res.json)).toBe(false);
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['BAD_REQUEST']);
    });

    it('Field Duplication: 500 × __typename is stopped by the token limit', async () => {
      const res = await graphQuery(app, `query cop { ${'__typename \n'.repeat(500)}} `);
      expect(res.json?.data).toBeUndefined();
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([
        { message: 'Token limit of 400 exceeded.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('Directive Overloading: 10 directives are rejected, known or unknown', async () => {
      const unknown = await graphQuery(app, 'query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }');
      // graphql-cop's condition for "vulnerable" is exactly ten errors (one per unknown directive).
      expect(unknown.json.errors).not.toHaveLength(10);
      expect(unknown.status).toBe(400);
      expect(unknown.json.errors[0]).toEqual({
        message: 'Directives limit of 5 exceeded, found 10.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      // graphql-js rejects unknown directives anyway; the limit is what stops known ones.
      const known = await graphQuery(app, `query cop { ${'__typename @include(if: true) '.repeat(10)}}`);
      expect(known.json.data).toBeUndefined();
      expect(known.json.errors).toEqual([
        { message: 'Directives limit of 5 exceeded, found 10.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('Introspection-based Circular Query: rejected where introspection is on', async () => {
      const res = await graphQuery(
        app,
        'query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }',
      );
      expect(res.json?.data?.__schema).toBeUndefined();
      expect(res.status).toBe(400);
      expect(messages(res)).toContain('Query depth limit of 7 exceeded, found 11.');
    });
  });

  describe('cross-site request forgery', () => {
    it('GET Method Query Support: a GET query without a preflight header is blocked', async () => {
      for (const target of [app, prod]) {
        const res = await request(target, { method: 'GET', params: { query: 'query cop {__typename}' } });
        expect(res.json?.data).toBeUndefined();
        expect(res.status).toBe(400);
        expect(res.json.errors[0].message).toContain('Cross-Site Request Forgery');
      }
      // Non-browser clients may query over GET with a header a browser cannot send cross-site without a preflight.
      const ok = await request(app, {
        method: 'GET',
        params: { query: 'query cop {__typename}' },
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(ok.json.data.__typename).toBe('Query');
    });

    it('Mutation is allowed over GET: no', async () => {
      const plain = await request(app, { method: 'GET', params: { query: 'mutation cop {__typename}' } });
      expect(plain.json?.data).toBeUndefined();
      expect(plain.status).toBe(400);
      const preflighted = await request(app, {
        method: 'GET',
        params: { query: 'mutation cop {__typename}' },
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(preflighted.json?.data).toBeUndefined();
      expect(preflighted.status).toBe(405);
      expect(preflighted.headers.get('allow')).toBe('POST');
    });

    it('POST based url-encoded query: blocked, as are the other content types a form can send', async () => {
      const form = await request(app, { method: 'POST', form: { query: 'query cop { __typename }' } });
      expect(form.json?.data).toBeUndefined();
      expect(form.status).toBe(400);
      expect(form.json.errors[0].message).toContain('Cross-Site Request Forgery');
      const token = await app.token('rheine-social');
      for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': type, authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: 'query cop { __typename }' }),
        });
        const body = (await res.json()) as any;
        expect({ type, status: res.status, data: body.data }).toEqual({ type, status: 400, data: undefined });
        expect(body.errors[0].message).toContain('Cross-Site Request Forgery');
      }
    });
  });
});
