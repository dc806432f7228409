import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { Container, createContainer, migrateDatabase } from '../../src/container';
import { DevKey, loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { seedPartners } from '../../src/seed/partners.seed';
import { RunningServer, startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { REDIS_URL } from '../setup/pg';
import { freePort } from '../../src/runtime/free-port';
import { eventually, flushPrefix, startTestApp, TestApp } from '../helpers/app';
import { OwnPostgres, startOwnPostgres } from '../helpers/own-postgres';

/**
 * What partners see while PostgreSQL is down: a valid credential is never called invalid (401)
 * and nothing is an internal error (500); every answer is HTTP 503 SERVICE_UNAVAILABLE with
 * Retry-After, and service resumes by itself once PostgreSQL is back. The database is a cluster
 * of this test's own (the shared server is never stopped).
 */

const QUERY = '{ persons(first: 1) { totalCount } }';
const REGISTER =
  'mutation { registerPerson(input: { givenName: "Amina", familyName: "Yusuf", municipalityKey: "05566076" }) { id } }';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

describe('PostgreSQL unreachable', () => {
  let pg: OwnPostgres;
  let container: Container;
  let server: RunningServer;
  let devKey: DevKey;
  let dataDir: string;
  const queuePrefix = `lotse-test-${crypto.randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    await pg.createDatabase('lotse');
    await migrateDatabase(pg.url('lotse'));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-outage-'));
    const config = loadConfig({
      LOTSE_ENV: 'test',
      DATABASE_URL: pg.url('lotse'),
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      DB_POOL_SIZE: '2',
      DATABASE_APP_ROLE: 'lotse_app',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOTSE_INTERNAL_SECRET: crypto.randomBytes(32).toString('base64url'),
    });
    container = await createContainer(config, {
      databaseUrl: pg.url('lotse'),
      redisUrl: REDIS_URL,
      log: createLogger(config.logLevel),
    });
    await seedPartners(container);
    devKey = await loadOrCreateDevKey(dataDir);
    server = await startGatewayServer(container, { port: 0, host: '127.0.0.1', devKey });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await container?.close().catch(() => undefined);
    await pg?.destroy();
    await flushPrefix(queuePrefix);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const token = (partner: string, scopes: string[]) =>
    signDevToken(devKey, container.config.auth.issuer, container.config.auth.audience, { partner, scopes });

  async function post(
    partner: string,
    scopes: string[],
    query: string,
    headers: Record<string, string> = {},
    extensions?: Record<string, unknown>,
  ): Promise<Answer> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token(partner, scopes)}`,
        ...headers,
      },
      body: JSON.stringify({ query, extensions }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  function expectUnavailable(a: Answer) {
    expect({ status: a.status, codes: (a.body.errors ?? []).map((e: any) => e.extensions?.code) }).toEqual({
      status: 503,
      codes: ['SERVICE_UNAVAILABLE'],
    });
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(a.body.data).toBeUndefined();
    expect(a.body.errors[0].extensions.retryAfter).toBe(Number(a.headers.get('retry-after')));
    expect(a.headers.get('www-authenticate')).toBeNull();
  }

  /** Opens a graphql-transport-ws connection with the token and waits (bounded) for the server to close it. */
  async function closeOf(partner: string): Promise<{ code: number; reason: string }> {
    const authorization = `bearer ${await token(partner, ['persons:read'])}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('the connection was not closed within 15 s'));
      }, 15_000);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } })));
      socket.on('close', (code, why) => {
        clearTimeout(timer);
        resolve({ code, reason: String(why) });
      });
      socket.on('error', () => undefined);
    });
  }

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, never 401 or 500, and recovers when PostgreSQL is back', async () => {
    const social = ['persons:read', 'persons:write'];
    // Up: rheine-social is served (and its partner record is now cached by the gateway).
    const up = await post('rheine-social', social, QUERY);
    expect(up.status).toBe(200);
    expect(up.body.data.persons.totalCount).toBe(0);

    await pg.stop();

    // A partner the gateway has not looked up yet: the partner directory cannot be read.
    expectUnavailable(await post('rheine-abh', ['persons:read'], QUERY));
    // A partner cached: authentication passes, the subgraph's database is unreachable.
    expectUnavailable(await post('rheine-social', social, QUERY));
    // A persisted document reference: admission cannot read the registered documents.
    const persisted = {
      persistedQuery: { version: 1, sha256Hash: crypto.createHash('sha256').update(QUERY).digest('hex') },
    };
    expectUnavailable(await post('rheine-social', social, QUERY, {}, persisted));
    // Mutations, with and without an Idempotency-Key.
    expectUnavailable(await post('rheine-social', social, REGISTER));
    expectUnavailable(await post('rheine-social', social, REGISTER, { 'idempotency-key': `k-${Date.now()}` }));
    // A credential that is invalid is still called so: its check needs no database.
    const forged = await post('rheine-social', social, QUERY, { authorization: 'Bearer a.b.c' });
    expect(forged.status).toBe(401);
    // A subscription connection is closed with 1013 "Try Again Later", not 4401 Unauthorized.
    const closed = await closeOf('vhs-rheine');
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/^Try again later/);

    await pg.start();

    const back = await eventually(async () => {
      const a = await post('rheine-social', social, REGISTER);
      return a.status === 200 && a.body.data?.registerPerson?.id ? a : undefined;
    }, 30_000);
    expect(back.body.errors).toBeUndefined();
    const after = await post('rheine-abh', ['persons:read'], QUERY);
    expect(after.status).toBe(200);
    expect(after.body.data.persons.totalCount).toBe(1);
  }, 120_000);
});

describe('a remote subgraph unreachable', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A port nothing listens on: the city subgraph refuses every connection.
    const port = await freePort();
    app = await startTestApp({ env: { LOTSE_SUBGRAPH_URLS: `city=http://127.0.0.1:${port}/graphql` } });
  });
  afterAll(() => app?.stop());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After for an operation that needs it', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token('rheine-social')}` },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await res.json()) as any;
    expect({ status: res.status, codes: body.errors?.map((e: any) => e.extensions?.code) }).toEqual({
      status: 503,
      codes: ['SERVICE_UNAVAILABLE'],
    });
    expect(res.headers.get('retry-after')).toBe('5');
    // What needs only the in-process subgraphs is still served.
    const viewer = await app.gql('rheine-social', '{ viewer { partner { slug } } }');
    expect(viewer.status).toBe(200);
    expect(viewer.body.data.viewer.partner.slug).toBe('rheine-social');
  });
});
