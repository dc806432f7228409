import { randomUUID } from 'node:crypto';
import { Client } from 'graphql-ws';
import { sha256Hex } from '../../src/gateway/trusted-documents';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { collect, Collected, freshWindow, listening, liveClient } from '../subscriptions/live';

/**
 * One admission for HTTP and WebSocket (src/gateway/admission.ts): the same document is refused
 * with the same errors on either transport, both count against the same rate limits, and one cache
 * of registered documents serves HTTP, WebSocket and the Idempotency-Key check.
 */

/** Depth 8: one level over the limit. */
const DEEP =
  'subscription Deep { referralUpdated { referral { person { referrals { person { referrals { person { id } } } } } } } }';
const INBOX = 'subscription Inbox { referralUpdated(filter: { role: inbox }) { type } }';
const VIEWER = 'query Viewer { viewer { subject } }';
const REGISTER =
  'mutation RegisterAB { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076" }) { id } }';

async function post(app: TestApp, partner: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token(partner)}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** The errors a refused subscription ends with. */
const refusedOverWebSocket = async (c: Collected) =>
  eventually<any[]>(async () => c.errors[0] as any[] | undefined, 10000, 20);

/** A subscription by persisted reference (graphql-ws wants a `query` string: an empty one). */
const subscribeByReference = (client: Client, query: string): Collected =>
  collect(client, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } } });

async function register(app: TestApp, partner: string, documents: Record<string, string>) {
  const rows = Object.entries(documents).map(([name, document]) => ({ hash: sha256Hex(document), name, document }));
  await app.container.subgraphs.hub.services.trustedDocuments.register(partner, rows);
}

describe('the same refusal over HTTP and over WebSocket', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'true', RATE_LIMIT_OPERATIONS_PER_MINUTE: '3' } });
    await register(app, 'rheine-social', { Deep: DEEP, Inbox: INBOX, Viewer: VIEWER });
    client = liveClient(app.url, await app.token('rheine-social'));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('over the depth limit: GRAPHQL_VALIDATION_FAILED, checked before the transport', async () => {
    // Over HTTP the subscription is refused for its depth, not for being a subscription.
    const http = await post(app, 'rheine-social', { query: DEEP });
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([
      { message: 'Query depth limit of 7 exceeded, found 8.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    expect(await refusedOverWebSocket(collect(client, DEEP))).toEqual(http.body.errors);
  });

  it('an unregistered document: PERSISTED_DOCUMENT_NOT_ALLOWED, by text and by reference', async () => {
    const other = 'subscription Other { referralUpdated { type } }';
    const http = await post(app, 'rheine-social', { query: other });
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([
      {
        message: `Document sha256:${sha256Hex(other)} is not allowed`,
        extensions: { code: 'PERSISTED_DOCUMENT_NOT_ALLOWED' },
      },
    ]);
    expect(await refusedOverWebSocket(collect(client, other))).toEqual(http.body.errors);

    const reference = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(other) } } };
    expect((await post(app, 'rheine-social', reference)).body.errors).toEqual(http.body.errors);
    expect(await refusedOverWebSocket(subscribeByReference(client, other))).toEqual(http.body.errors);
  });

  it('over the rate limit: RATE_LIMITED (HTTP 429 with Retry-After), one counter for both transports', async () => {
    // The refusals above were not counted: refused operations never are.
    await freshWindow();
    expect((await post(app, 'rheine-social', { query: VIEWER })).status).toBe(200);
    collect(client, INBOX);
    await listening(app.server!, 1);
    expect((await post(app, 'rheine-social', { query: VIEWER })).status).toBe(200);

    const http = await post(app, 'rheine-social', { query: VIEWER });
    expect(http.status).toBe(429);
    const retryAfter = Number(http.headers.get('retry-after'));
    expect(http.body.errors).toEqual([
      {
        message: `Rate limit of 3 operations per minute exceeded; retry in ${retryAfter} s`,
        extensions: { code: 'RATE_LIMITED', limit: 'operations', retryAfter },
      },
    ]);
    const ws = await refusedOverWebSocket(collect(client, INBOX));
    expect(ws).toEqual([
      {
        message: expect.stringMatching(/^Rate limit of 3 operations per minute exceeded; retry in \d+ s$/),
        extensions: { code: 'RATE_LIMITED', limit: 'operations', retryAfter: expect.any(Number) },
      },
    ]);
    expect(Math.abs(ws[0].extensions.retryAfter - retryAfter)).toBeLessThanOrEqual(1);
  }, 75_000);
});

describe('one cache of registered documents per gateway process', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'true' } });
    await register(app, 'rheine-social', { Inbox: INBOX, Viewer: VIEWER, RegisterAB: REGISTER });
    client = liveClient(app.url, await app.token('rheine-social'));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it("serves HTTP, WebSocket and the Idempotency-Key check: the partner's documents are loaded once", async () => {
    const loads = jest.spyOn(app.container.subgraphs.hub.services.trustedDocuments, 'forPartner');
    try {
      const viewer = await post(app, 'rheine-social', { query: VIEWER });
      expect(viewer.body).toEqual({ data: { viewer: { subject: 'client:rheine-social' } } });

      const inbox = subscribeByReference(client, INBOX);
      await listening(app.server!, 1);
      expect(inbox.errors).toEqual([]);

      // The gate looks the reference up to see that it is a mutation; admission resolves it.
      const byReference = { documentId: `sha256:${sha256Hex(REGISTER)}` };
      const mutation = await post(app, 'rheine-social', byReference, { 'idempotency-key': randomUUID() });
      expect(mutation.status).toBe(200);
      expect(mutation.body.data.registerPerson.id).toEqual(expect.any(String));
      expect(loads.mock.calls).toEqual([['rheine-social']]);
    } finally {
      loads.mockRestore();
    }
  });
});

/** Where HTTP and WebSocket used to answer differently, both now answer as HTTP did. */
describe('outside production, the same answers on both transports', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp();
    client = liveClient(app.url, await app.token('rheine-social'));
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('an unknown reference is PERSISTED_QUERY_NOT_FOUND (an APQ client then sends the text)', async () => {
    const unknown = 'subscription Unknown { referralUpdated { type } }';
    const reference = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(unknown) } } };
    const http = await post(app, 'rheine-social', reference);
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([
      {
        message: `Document sha256:${sha256Hex(unknown)} not found`,
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      },
    ]);
    expect(await refusedOverWebSocket(subscribeByReference(client, unknown))).toEqual(http.body.errors);
  });

  it('a document whose operation cannot be chosen is OPERATION_RESOLUTION_FAILURE', async () => {
    const two = 'subscription A { referralUpdated { type } } subscription B { referralUpdated { eventId } }';
    const http = await post(app, 'rheine-social', { query: two });
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual([
      {
        message: 'Must provide operation name if query contains multiple operations.',
        extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
      },
    ]);
    expect(await refusedOverWebSocket(collect(client, two))).toEqual(http.body.errors);
  });
});
