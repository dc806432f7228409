import { startProductionApp } from '../helpers/production';
import fs from 'node:fs';
import path from 'node:path';
import { GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { EXAMPLE_OPERATIONS } from '../../src/gateway/examples';
import {
  CachedTrustedDocuments,
  checkManifest,
  composedGatewaySchema,
  documentIdAsPersistedQuery,
  exampleManifestFiles,
  ManifestError,
  MANIFEST_FORMAT,
  ManifestOperation,
  sha256Hex,
  TRUSTED_DOCUMENTS_TTL_MS,
} from '../../src/gateway/trusted-documents';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * Trusted documents: in production only operations registered for the calling partner run. The
 * production gateway runs over HTTP with a JWKS (served here) holding the test app's dev key, as in
 * graphql-cop.test.ts. The last block is the CI check over trusted-documents/.
 */

const MANIFEST_DIR = path.resolve(__dirname, '..', '..', 'trusted-documents');
const example = (partner: string, title: string) =>
  EXAMPLE_OPERATIONS.find((e) => e.partner === partner && e.title === title)!;
/** fbs-rheine's only example: deterministic data without the demo data set. */
const VIEWER = example('fbs-rheine', 'Who am I?');
const FIND_BY_NAME = example('rheine-social', 'Search a name across transliterations');
const notAllowed = (query: string) => [
  {
    message: `Document sha256:${sha256Hex(query)} is not allowed`,
    extensions: { code: 'PERSISTED_DOCUMENT_NOT_ALLOWED' },
  },
];

interface Answer {
  status: number;
  body: any;
}

async function send(
  app: TestApp,
  partner: string,
  body: unknown,
  opts: { method?: 'GET' | 'POST'; search?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL('/graphql', app.url);
  for (const [k, v] of Object.entries(opts.search ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {
    accept: 'application/graphql-response+json, application/json',
    authorization: `Bearer ${await app.token(partner)}`,
  };
  const init: RequestInit = { method: opts.method ?? 'POST', headers };
  if (init.method === 'POST') {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else headers['apollo-require-preflight'] = 'true';
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

const persistedQuery = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } });

function expectViewer(a: Answer, partner: string) {
  expect(a.body.errors).toBeUndefined();
  expect(a.status).toBe(200);
  expect(a.body.data.viewer).toMatchObject({ subject: `client:${partner}`, partner: { slug: partner } });
}

/** Registers every manifest under trusted-documents/ for its partner, through the same check as the CLI. */
async function registerCommittedManifests(app: TestApp, schema: GraphQLSchema): Promise<number> {
  let count = 0;
  for (const file of fs.readdirSync(MANIFEST_DIR).filter((f) => f.endsWith('.json'))) {
    const manifest = checkManifest(JSON.parse(fs.readFileSync(path.join(MANIFEST_DIR, file), 'utf8')), schema);
    const docs = manifest.operations.map((op) => ({ hash: op.id, name: op.name, document: op.body }));
    await app.container.subgraphs.hub.services.trustedDocuments.register(path.basename(file, '.json'), docs);
    count += docs.length;
  }
  return count;
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await composedGatewaySchema();
});

describe('configuration', () => {
  it('TRUSTED_DOCUMENTS is on by default in production only, and can be set', () => {
    const prod = {
      LOTSE_ENV: 'production',
      LOTSE_INTERNAL_SECRET: 'x'.repeat(40),
      AUTH_DEV_KEY: 'false',
      AUTH_JWKS_URL: 'https://idp.example/jwks.json',
    };
    expect(loadConfig(prod).trustedDocuments).toBe(true);
    expect(loadConfig({ ...prod, TRUSTED_DOCUMENTS: 'false' }).trustedDocuments).toBe(false);
    expect(loadConfig({ LOTSE_ENV: 'development' }).trustedDocuments).toBe(false);
    expect(loadConfig({ LOTSE_ENV: 'test' }).trustedDocuments).toBe(false);
    expect(loadConfig({ LOTSE_ENV: 'development', TRUSTED_DOCUMENTS: 'true' }).trustedDocuments).toBe(true);
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'maybe' })).toThrow(/TRUSTED_DOCUMENTS must be true or false/);
  });
});

describe('production: only registered documents run', () => {
  let production: Awaited<ReturnType<typeof startProductionApp>>;
  let app: TestApp;

  beforeAll(async () => {
    production = await startProductionApp();
    app = production.app;
    expect(app.container.config).toMatchObject({ env: 'production', trustedDocuments: true });
    expect(await registerCommittedManifests(app, schema)).toBe(EXAMPLE_OPERATIONS.length);
  });
  afterAll(() => production?.close());

  it('a registered document, sent as its exact text', async () => {
    expectViewer(await send(app, 'fbs-rheine', { query: VIEWER.query }), 'fbs-rheine');
    const byName = await send(app, 'rheine-social', { query: FIND_BY_NAME.query, variables: FIND_BY_NAME.variables });
    expect(byName.body.errors).toBeUndefined();
    expect(byName.body.data.persons).toMatchObject({ totalCount: expect.any(Number) });
  });

  it('a registered document by documentId (POST and GET) and by extensions.persistedQuery', async () => {
    const documentId = `sha256:${sha256Hex(VIEWER.query)}`;
    expectViewer(await send(app, 'fbs-rheine', { documentId }), 'fbs-rheine');
    expectViewer(await send(app, 'fbs-rheine', undefined, { method: 'GET', search: { documentId } }), 'fbs-rheine');
    expectViewer(await send(app, 'fbs-rheine', { extensions: persistedQuery(VIEWER.query) }), 'fbs-rheine');
    expectViewer(
      await send(app, 'fbs-rheine', undefined, {
        method: 'GET',
        search: { extensions: JSON.stringify(persistedQuery(VIEWER.query)) },
      }),
      'fbs-rheine',
    );
    // Hash and text together: they must agree.
    expectViewer(
      await send(app, 'fbs-rheine', { query: VIEWER.query, extensions: persistedQuery(VIEWER.query) }),
      'fbs-rheine',
    );
    // With variables and operationName, as a client sends them.
    const social = await send(app, 'rheine-social', {
      documentId: `sha256:${sha256Hex(FIND_BY_NAME.query)}`,
      variables: FIND_BY_NAME.variables,
      operationName: 'FindByName',
    });
    expect(social.body.errors).toBeUndefined();
    expect(social.body.data.persons.totalCount).toEqual(expect.any(Number));
  });

  it('an unregistered document is refused with 400 and PERSISTED_DOCUMENT_NOT_ALLOWED, naming only its hash', async () => {
    const adHoc = '{ viewer { subject } }';
    for (const body of [
      { query: adHoc },
      { documentId: `sha256:${sha256Hex(adHoc)}` },
      { extensions: persistedQuery(adHoc) },
    ]) {
      const res = await send(app, 'fbs-rheine', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: notAllowed(adHoc) });
    }
    // A registered text changed by one character is another document.
    const changed = await send(app, 'fbs-rheine', { query: `${VIEWER.query} ` });
    expect(changed.status).toBe(400);
    expect(changed.body.errors).toEqual(notAllowed(`${VIEWER.query} `));
    // Refused before parsing or validation: no parse error, no schema detail.
    const broken = '{ viewer { subject ';
    expect((await send(app, 'fbs-rheine', { query: broken })).body.errors).toEqual(notAllowed(broken));
    const probe = '{ __schema { types { name } } }';
    expect((await send(app, 'fbs-rheine', { query: probe })).body.errors).toEqual(notAllowed(probe));
  });

  it("another partner's registered document is refused, by text and by reference", async () => {
    for (const body of [
      { query: VIEWER.query },
      { documentId: `sha256:${sha256Hex(VIEWER.query)}` },
      { extensions: persistedQuery(VIEWER.query) },
    ]) {
      const res = await send(app, 'rheine-social', body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(notAllowed(VIEWER.query));
    }
  });

  it('a client cannot register a document itself (Apollo APQ is off)', async () => {
    const adHoc = 'query Mine { viewer { scopes } }';
    const register = await send(app, 'fbs-rheine', { query: adHoc, extensions: persistedQuery(adHoc) });
    expect(register.status).toBe(400);
    expect(register.body.errors).toEqual(notAllowed(adHoc));
    const use = await send(app, 'fbs-rheine', { extensions: persistedQuery(adHoc) });
    expect(use.body.errors).toEqual(notAllowed(adHoc));
  });

  it('malformed references are bad requests; authentication comes first', async () => {
    const bad = [
      { documentId: sha256Hex(VIEWER.query) }, // without "sha256:"
      { documentId: 'sha256:XYZ' },
      { extensions: { persistedQuery: { version: 2, sha256Hash: sha256Hex(VIEWER.query) } } },
      { query: '{ viewer { subject } }', extensions: persistedQuery(VIEWER.query) }, // text and hash disagree
    ];
    for (const body of bad) {
      const res = await send(app, 'fbs-rheine', body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    const anonymous = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: `sha256:${sha256Hex(VIEWER.query)}` }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('GraphiQL is not served in production', async () => {
    const res = await fetch(`${app.url}/`, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('GraphiQL');
  });

  it(`a registration takes effect within ${TRUSTED_DOCUMENTS_TTL_MS / 1000} s, without a restart`, async () => {
    // rheine-social's documents are cached now (earlier tests), without Viewer.
    expect((await send(app, 'rheine-social', { query: VIEWER.query })).status).toBe(400);
    const manifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      operations: [{ id: sha256Hex(VIEWER.query), name: 'Viewer', type: 'query', body: VIEWER.query }],
    };
    const checked = checkManifest(manifest, schema);
    await app.container.subgraphs.hub.services.trustedDocuments.register(
      'rheine-social',
      checked.operations.map((op) => ({ hash: op.id, name: op.name, document: op.body })),
    );
    // Still cached…
    expect((await send(app, 'rheine-social', { query: VIEWER.query })).status).toBe(400);
    // …until the cache expires (Date.now moved ahead instead of waiting).
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + TRUSTED_DOCUMENTS_TTL_MS + 1000);
    try {
      expectViewer(await send(app, 'rheine-social', { query: VIEWER.query }), 'rheine-social');
      expectViewer(
        await send(app, 'rheine-social', { documentId: `sha256:${sha256Hex(VIEWER.query)}` }),
        'rheine-social',
      );
    } finally {
      spy.mockRestore();
    }
    // The same text registered by two partners is two rows.
    const rows = await app.container.subgraphs.hub.services.trustedDocuments.forPartner('rheine-social');
    expect(rows.map((r) => r.name).sort()).toEqual(['Cases', 'FindByName', 'Inbox', 'Viewer']);
  });
});

describe('development: any document runs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await registerCommittedManifests(app, schema);
  });
  afterAll(() => app?.stop());

  it('is off outside production, so GraphiQL and ad-hoc documents work', async () => {
    expect(app.container.config.trustedDocuments).toBe(false);
    const adHoc = await send(app, 'fbs-rheine', { query: '{ viewer { subject } }' });
    expect(adHoc.body).toEqual({ data: { viewer: { subject: 'client:fbs-rheine' } } });
    // Another partner's example is just a document here.
    expectViewer(await send(app, 'rheine-social', { query: VIEWER.query }), 'rheine-social');
    const page = await fetch(`${app.url}/`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('GraphiQL');
  });

  it('references resolve to registered documents; an unknown hash is NOT_FOUND, so an APQ client sends the text', async () => {
    expectViewer(await send(app, 'fbs-rheine', { documentId: `sha256:${sha256Hex(VIEWER.query)}` }), 'fbs-rheine');
    const adHoc = 'query Mine { viewer { subject scopes } }';
    const first = await send(app, 'fbs-rheine', { extensions: persistedQuery(adHoc) });
    expect(first.body.errors).toEqual([
      { message: `Document sha256:${sha256Hex(adHoc)} not found`, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);
    const retry = await send(app, 'fbs-rheine', { query: adHoc, extensions: persistedQuery(adHoc) });
    expect(retry.body.data.viewer.subject).toBe('client:fbs-rheine');
    // Nothing was registered by that.
    expect((await send(app, 'fbs-rheine', { extensions: persistedQuery(adHoc) })).body.errors[0].extensions.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
  });
});

describe('the per-partner cache', () => {
  it('loads a partner once per TTL, per partner; a failed load is not kept', async () => {
    const calls: string[] = [];
    let fail = false;
    const cache = new CachedTrustedDocuments(
      {
        async forPartner(partner) {
          calls.push(partner);
          if (fail) throw new Error('db down');
          return [{ hash: 'a'.repeat(64), document: `{ a } # ${partner}` }];
        },
      },
      50,
    );
    expect(await Promise.all([cache.find('p', 'a'.repeat(64)), cache.find('p', 'b'.repeat(64))])).toEqual([
      '{ a } # p',
      undefined,
    ]);
    expect(await cache.find('q', 'a'.repeat(64))).toBe('{ a } # q');
    expect(calls).toEqual(['p', 'q']);
    await new Promise((r) => setTimeout(r, 60));
    fail = true;
    await expect(cache.find('p', 'a'.repeat(64))).rejects.toThrow('db down');
    fail = false;
    expect(await cache.find('p', 'a'.repeat(64))).toBe('{ a } # p');
    expect(calls).toEqual(['p', 'q', 'p', 'p']);
  });

  it('documentId is rewritten into the persisted-query extension, for POST bodies and GET parameters', () => {
    const hash = 'c'.repeat(64);
    expect(documentIdAsPersistedQuery({ documentId: `sha256:${hash}`, variables: { a: 1 } }, '').body).toEqual({
      variables: { a: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    const get = documentIdAsPersistedQuery(undefined, `?documentId=sha256:${hash}&operationName=X`);
    const params = new URLSearchParams(get.search);
    expect(params.get('documentId')).toBeNull();
    expect(params.get('operationName')).toBe('X');
    expect(JSON.parse(params.get('extensions')!)).toEqual({ persistedQuery: { version: 1, sha256Hash: hash } });
    expect(documentIdAsPersistedQuery({ query: '{ a }' }, '?x=1')).toEqual({
      body: { query: '{ a }' },
      search: '?x=1',
    });
  });
});

/**
 * The CI check: every manifest in trusted-documents/ can be registered — ids are the sha256 of the
 * bodies, every operation is valid against the composed schema and within every query limit — and
 * the demo partners' manifests are what `lotse documents export-examples` writes from examples.ts.
 */
describe('trusted-documents/ (CI check)', () => {
  const files = fs.readdirSync(MANIFEST_DIR).filter((f) => f.endsWith('.json'));

  it('holds one manifest per demo partner, as export-examples writes them', () => {
    const expected = exampleManifestFiles();
    expect(files.sort()).toEqual(expect.arrayContaining(Object.keys(expected).sort()));
    for (const [file, content] of Object.entries(expected)) {
      expect({ file, content: fs.readFileSync(path.join(MANIFEST_DIR, file), 'utf8') }).toEqual({ file, content });
    }
  });

  it.each(files)('%s: ids match, valid against the schema, within the limits', (file) => {
    const json = JSON.parse(fs.readFileSync(path.join(MANIFEST_DIR, file), 'utf8'));
    for (const op of json.operations as ManifestOperation[])
      expect({ name: op.name, id: op.id }).toEqual({ name: op.name, id: sha256Hex(op.body) });
    expect(checkManifest(json, schema).operations.length).toBeGreaterThan(0);
  });

  describe('the same check refuses', () => {
    const manifestOf = (...operations: Array<Partial<ManifestOperation> & { body: string }>) => ({
      format: MANIFEST_FORMAT,
      version: 1,
      operations: operations.map((op) => ({ name: 'Op', type: 'query', id: sha256Hex(op.body), ...op })),
    });
    const refusal = (json: unknown) => {
      try {
        checkManifest(json, schema);
      } catch (err) {
        expect(err).toBeInstanceOf(ManifestError);
        return (err as Error).message;
      }
      throw new Error('the manifest was accepted');
    };

    it('an operation over the cost limit, naming it; the whole manifest', () => {
      const fine = { name: 'Fine', body: 'query Fine { persons(first: 100) { edges { node { id } } } }' };
      const expensive = {
        name: 'TooExpensive',
        body: 'query TooExpensive { persons(first: 100) { edges { node { biography(first: 20) { type } } } } }',
      };
      expect(refusal(manifestOf(fine, expensive))).toBe(
        'operation "TooExpensive": Query cost limit of 2000 exceeded, found 2101; page smaller: persons (first: 100).',
      );
      expect(checkManifest(manifestOf(fine), schema).operations).toHaveLength(1);
    });

    it('the cost counts variables with their defaults (each request is checked again with its values)', () => {
      const body = (n: string) =>
        `query Op(${n}) { persons(first: $n) { edges { node { biography(first: $n) { type } } } } }`;
      expect(refusal(manifestOf({ body: body('$n: Int = 100') }))).toBe(
        'operation "Op": Query cost limit of 2000 exceeded, found 10101; page smaller: persons (first: 100).',
      );
      // Without a default the documented defaults count: persons 20, biography 50.
      expect(checkManifest(manifestOf({ body: body('$n: Int') }), schema).operations).toHaveLength(1);
      expect(() => checkManifest(manifestOf({ body: body('$n: Int') }), schema, 1000)).toThrow(
        'operation "Op": Query cost limit of 1000 exceeded, found 1021; page smaller: persons.edges.node.biography (first: 50).',
      );
    });

    it('the other limits: depth, aliases, tokens, directives', () => {
      expect(
        refusal(
          manifestOf({
            body: 'query Op { persons(first: 1) { edges { node { household { members { household { members { id } } } } } } } }',
          }),
        ),
      ).toBe('operation "Op": Query depth limit of 7 exceeded, found 8.');
      expect(
        refusal(
          manifestOf({ body: `query Op { ${Array.from({ length: 6 }, (_, i) => `a${i}: __typename`).join(' ')} }` }),
        ),
      ).toBe('operation "Op": Aliases limit of 5 exceeded, found 6.');
      // "query Op {" + fields + "}": 3 + n + 1 tokens; 400 pass, 401 do not.
      expect(
        checkManifest(manifestOf({ body: `query Op { ${'__typename '.repeat(396)}}` }), schema).operations,
      ).toHaveLength(1);
      expect(refusal(manifestOf({ body: `query Op { ${'__typename '.repeat(397)}}` }))).toBe(
        'operation "Op": Token limit of 400 exceeded.',
      );
      expect(refusal(manifestOf({ body: `query Op { ${'__typename @include(if: true) '.repeat(6)}}` }))).toBe(
        'operation "Op": Directives limit of 5 exceeded, found 6.',
      );
    });

    it('ids that are not the sha256 of the body, invalid documents, introspection, a wrong name or type, a bad format', () => {
      expect(refusal(manifestOf({ body: 'query Op { viewer { subject } }', id: sha256Hex('something else') }))).toMatch(
        /^operation "Op": id [0-9a-f]{64} is not the sha256 of body/,
      );
      expect(refusal(manifestOf({ body: 'query Op { viewer { subject } }', id: 'ABC' }))).toBe(
        'operation "Op": id must be a sha256 hash in lower-case hex',
      );
      expect(refusal(manifestOf({ body: 'query Op { viewer { nope } }' }))).toMatch(
        /^operation "Op": Cannot query field "nope" on type "Viewer"/,
      );
      expect(refusal(manifestOf({ body: 'query Op { __schema { types { name } } }' }))).toMatch(
        /^operation "Op": GraphQL introspection has been disabled/,
      );
      expect(refusal(manifestOf({ body: 'query Op { viewer { subject' }))).toMatch(/^operation "Op": Syntax Error/);
      expect(refusal(manifestOf({ body: 'query Other { viewer { subject } }' }))).toBe(
        'operation "Op": body names the operation "Other", the manifest "Op"',
      );
      expect(refusal(manifestOf({ body: '{ viewer { subject } }' }))).toBe(
        'operation "Op": body names the operation (anonymous), the manifest "Op"',
      );
      expect(refusal(manifestOf({ body: 'query Op { viewer { subject } } query B { viewer { subject } }' }))).toBe(
        'operation "Op": body must contain exactly one operation, found 2',
      );
      expect(refusal(manifestOf({ body: 'query Op { viewer { subject } }', type: 'mutation' }))).toBe(
        'operation "Op": body is a query, the manifest says mutation',
      );
      const twice = manifestOf({ body: 'query Op { viewer { subject } }' });
      twice.operations.push(twice.operations[0]);
      expect(refusal(twice)).toMatch(/^operation "Op": listed twice/);
      expect(refusal({ ...manifestOf(), format: 'relay' })).toBe(`format must be "${MANIFEST_FORMAT}"`);
      expect(refusal({ ...manifestOf(), version: 2 })).toBe('version must be 1');
      expect(
        refusal({ format: MANIFEST_FORMAT, version: 1, operations: [{ id: 'x', name: 'Op', type: 'query' }] }),
      ).toBe('operation "Op": body must be a non-empty string');
    });
  });
});
