import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, exportSPKI, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/container';
import { RunningServer, startGatewayServer } from '../../src/server';
import { IdentitySigner, IDENTITY_HEADER } from '../../src/shared/identity';
import { createLogger } from '../../src/shared/logger';
import { startSubgraphServer } from '../../src/subgraph-server';
import { REDIS_URL } from '../setup/pg';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * Partner access tokens as an external identity provider issues them for an OAuth2
 * client-credentials grant (RFC 9068 JWT access tokens), verified against the provider's JWKS;
 * and the gateway → subgraph identity, which a client can never supply itself.
 * Everything runs on 127.0.0.1; every wait is bounded.
 */

const ISSUER = 'https://idp.example.test/realms/lotse';
const AUDIENCE = 'urn:lotse:api';
const INTERNAL_SECRET = 'jwks-test-internal-secret-'.padEnd(48, 'x');
const RSA_KID = 'idp-rsa-2025';
const EC_KID = 'idp-ec-2025';
const VIEWER = '{ viewer { partner { slug } scopes purpose } }';
/** Registered scopes of caritas-rheine (examples/rheine/city.yaml). */
const CARITAS_SCOPES = ['courses:read', 'partners:read', 'persons:read'];

// ---------------------------------------------------------------------------------------------
// A tiny identity provider: key pairs and a JWKS endpoint on 127.0.0.1.

/**
 * `serve`: answers with the keys. `hang`: accepts the connection and never answers.
 * `stall`: sends 200 and the start of the body, then nothing more (a provider or proxy that stalls).
 */
type JwksMode = 'serve' | 'hang' | 'stall';

interface JwksServer {
  url: string;
  /** The keys served; may be changed (key rotation). */
  keys: JWK[];
  mode: JwksMode;
  /** How many times the JWKS was requested. */
  requests: number;
  close(): Promise<void>;
}

async function startJwksServer(keys: JWK[], mode: JwksMode = 'serve'): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const state = { requests: 0, keys, mode };
  const server = http.createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.statusCode = 404;
      return res.end();
    }
    state.requests++;
    if (state.mode === 'hang') return; // never answers
    if (state.mode === 'stall') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.write('{"keys":[');
      return;
    }
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get requests() {
      return state.requests;
    },
    get keys() {
      return state.keys;
    },
    set keys(k: JWK[]) {
      state.keys = k;
    },
    get mode() {
      return state.mode;
    },
    set mode(m: JwksMode) {
      state.mode = m;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

const now = () => Math.floor(Date.now() / 1000);
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The claims an identity provider puts into a client-credentials access token (RFC 9068 §2.2) plus our `partner`. */
function claimsFor(partner: string, scopes: string[] = CARITAS_SCOPES): Record<string, unknown> {
  const t = now();
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `service-account-${partner}`,
    client_id: partner,
    partner,
    scope: scopes.join(' '),
    iat: t,
    exp: t + 300,
    jti: randomUUID(),
  };
}

interface TokenOptions {
  key: SigningKey | { kid?: string; alg: string; privateKey: KeyLike | Uint8Array };
  partner?: string;
  scopes?: string[];
  /** Claims to add or replace; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Header `typ`; `null` leaves it out. */
  typ?: string | null;
  /** Header `kid`; `null` leaves it out. */
  kid?: string | null;
}

function accessToken(opts: TokenOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    ...claimsFor(opts.partner ?? 'caritas-rheine', opts.scopes),
    ...opts.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const header: Record<string, unknown> = { alg: opts.key.alg };
  const typ = opts.typ === undefined ? 'at+jwt' : opts.typ;
  if (typ !== null) header.typ = typ;
  const kid = opts.kid === undefined ? opts.key.kid : opts.kid;
  if (kid !== null && kid !== undefined) header.kid = kid;
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(opts.key.privateKey);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  base: string,
  token: string | undefined,
  opts: { query?: string; variables?: unknown; headers?: Record<string, string>; extensions?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
    body: JSON.stringify({ query: opts.query ?? VIEWER, variables: opts.variables, extensions: opts.extensions }),
    signal: AbortSignal.timeout(20000),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/**
 * HTTP 401, `UNAUTHENTICATED`, a Bearer challenge and nothing else in the body: no data, no details.
 * `reason`: the challenge's error_description.
 */
function expectUnauthenticated(a: Answer, reason?: string) {
  expect(a.status).toBe(401);
  expect(a.headers.get('www-authenticate')).toContain('Bearer');
  if (reason) expect(a.headers.get('www-authenticate')).toContain(`error_description="${reason}"`);
  expect(Object.keys(a.body)).toEqual(['errors']);
  expect(a.body.errors).toHaveLength(1);
  expect(a.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(a.body.errors[0].extensions).not.toHaveProperty('stacktrace');
}

/** The token could not be checked (identity provider unreachable): HTTP 503 with Retry-After, never 401. */
function expectUnavailable(a: Answer) {
  expect(a.status).toBe(503);
  expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(a.headers.get('www-authenticate')).toBeNull();
  expect(Object.keys(a.body)).toEqual(['errors']);
  expect(a.body.errors).toHaveLength(1);
  expect(a.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
}

function expectViewer(a: Answer, slug: string) {
  expect(a.body.errors).toBeUndefined();
  expect(a.status).toBe(200);
  expect(a.body.data.viewer.partner.slug).toBe(slug);
}

// ---------------------------------------------------------------------------------------------

describe('access tokens from an external identity provider (JWKS)', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let jwks: JwksServer;
  let app: TestApp;
  const ask = (token: string | undefined, opts?: Parameters<typeof post>[2]) => post(app.url, token, opts);

  beforeAll(async () => {
    rsa = await signingKey('RS256', RSA_KID);
    ec = await signingKey('ES256', EC_KID);
    jwks = await startJwksServer([rsa.publicJwk, ec.publicJwk]);
    app = await startTestApp({
      env: {
        AUTH_JWKS_URL: jwks.url,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        LOTSE_INTERNAL_SECRET: INTERNAL_SECRET,
      },
    });
    // One person in Rheine, so that "caritas sees 0" below means something: caritas-rheine has no
    // legal basis for identity data and no consents, rheine-social does.
    const reg = await ask(
      await accessToken({ key: rsa, partner: 'rheine-social', scopes: ['persons:read', 'persons:write'] }),
      {
        query:
          'mutation { registerPerson(input: { givenName: "Amina", familyName: "Yusuf", municipalityKey: "05566076" }) { id } }',
      },
    );
    expect(reg.body.errors).toBeUndefined();
    expect(reg.body.data.registerPerson.id).toBeTruthy();
  });
  afterAll(async () => {
    await app?.stop();
    await jwks?.close();
  });

  it('is configured as a production deployment would be: JWKS only, even though the dev key is enabled in test', () => {
    // loadConfig: AUTH_DEV_KEY defaults to true outside production, and startTestApp hands the
    // gateway the dev key; with AUTH_JWKS_URL set, AccessTokenVerifier uses the JWKS alone.
    expect(app.container.config.auth).toMatchObject({
      jwksUrl: jwks.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      devKey: true,
    });
  });

  describe('accepted', () => {
    it('an RS256 token from the JWKS', async () => {
      const a = await ask(await accessToken({ key: rsa }));
      expectViewer(a, 'caritas-rheine');
      expect([...a.body.data.viewer.scopes].sort()).toEqual(CARITAS_SCOPES);
      expect(a.body.data.viewer.purpose).toBe('case_management');
      expect(jwks.requests).toBeGreaterThanOrEqual(1);
    });

    it('an ES256 token from the JWKS', async () => {
      const a = await ask(
        await accessToken({ key: ec, partner: 'vhs-rheine', scopes: ['courses:read', 'partners:read'] }),
      );
      expectViewer(a, 'vhs-rheine');
      expect([...a.body.data.viewer.scopes].sort()).toEqual(['courses:read', 'partners:read']);
      expect(a.body.data.viewer.purpose).toBe('integration_course_referral');
    });

    it('typ in its long form, application/at+jwt (RFC 9068 §2.1)', async () => {
      expectViewer(await ask(await accessToken({ key: ec, typ: 'application/at+jwt' })), 'caritas-rheine');
    });

    it('a token that expired 10 s ago: clock skew up to 30 s is tolerated', async () => {
      const t = now();
      expectViewer(await ask(await accessToken({ key: rsa, claims: { iat: t - 310, exp: t - 10 } })), 'caritas-rheine');
    });

    it('a token whose nbf lies 10 s ahead: the same 30 s tolerance', async () => {
      expectViewer(await ask(await accessToken({ key: rsa, claims: { nbf: now() + 10 } })), 'caritas-rheine');
    });
  });

  describe('rejected with 401 UNAUTHENTICATED and nothing else', () => {
    it('no token, and a token of another scheme', async () => {
      expectUnauthenticated(await ask(undefined));
      expectUnauthenticated(await ask(undefined, { headers: { authorization: 'Basic Y2FyaXRhcy1yaGVpbmU6c2VjcmV0' } }));
    });

    it('alg none (unsigned), with and without a known kid', async () => {
      const claims = claimsFor('caritas-rheine');
      for (const header of [
        { alg: 'none', typ: 'at+jwt', kid: RSA_KID },
        { alg: 'none', typ: 'at+jwt' },
        { alg: 'None', typ: 'at+jwt', kid: EC_KID },
      ]) {
        expectUnauthenticated(await ask(`${b64url(header)}.${b64url(claims)}.`));
      }
      // An RS256 header with the signature stripped.
      const signed = await accessToken({ key: rsa });
      expectUnauthenticated(await ask(signed.slice(0, signed.lastIndexOf('.') + 1)));
    });

    it('algorithm confusion: HS256 keyed with the RSA public key (PEM and JWK bytes), same kid', async () => {
      const pem = await exportSPKI(rsa.publicKey);
      const secrets = [pem, pem.trim(), JSON.stringify(rsa.publicJwk), rsa.publicJwk.n!];
      for (const secret of secrets) {
        const token = await accessToken({
          key: { kid: RSA_KID, alg: 'HS256', privateKey: new TextEncoder().encode(secret) },
        });
        expectUnauthenticated(await ask(token));
      }
      // And HS256 keyed with the EC key's coordinates.
      const ecSecret = new TextEncoder().encode(JSON.stringify(ec.publicJwk));
      expectUnauthenticated(await ask(await accessToken({ key: { kid: EC_KID, alg: 'HS256', privateKey: ecSecret } })));
    });

    it('a key not in the JWKS: unknown kid, or a foreign key claiming a published kid', async () => {
      const before = jwks.requests;
      const foreignRsa = await signingKey('RS256', 'idp-rsa-rotated-but-not-published');
      const foreignEc = await signingKey('ES256', 'idp-ec-unknown');
      expectUnauthenticated(await ask(await accessToken({ key: foreignRsa })), 'unknown key');
      expectUnauthenticated(await ask(await accessToken({ key: foreignEc })));
      expectUnauthenticated(await ask(await accessToken({ key: foreignRsa, kid: RSA_KID })));
      expectUnauthenticated(await ask(await accessToken({ key: foreignEc, kid: EC_KID })), 'signature');
      expectUnauthenticated(await ask(await accessToken({ key: foreignRsa, kid: null })));
      // A token whose header names the RSA kid but claims ES256 (key/alg mismatch).
      expectUnauthenticated(await ask(await accessToken({ key: ec, kid: RSA_KID })));
      // Unknown kids do not make the gateway hammer the identity provider: jose refetches the
      // JWKS at most once per 30 s cooldown.
      expect(jwks.requests - before).toBeLessThanOrEqual(1);
    });

    it('wrong issuer', async () => {
      for (const iss of ['https://idp.example.test/realms/other', 'urn:lotse:dev', `${ISSUER}/`, undefined]) {
        expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { iss } })), 'issuer');
      }
    });

    it('wrong audience', async () => {
      for (const aud of ['urn:lotse:other', ['urn:lotse:other', 'account'], 'urn:lotse:api:x', undefined]) {
        expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { aud } })), 'audience');
      }
    });

    it('expired beyond the 30 s tolerance', async () => {
      const t = now();
      expectUnauthenticated(
        await ask(await accessToken({ key: rsa, claims: { iat: t - 360, exp: t - 60 } })),
        'expired',
      );
      expectUnauthenticated(
        await ask(await accessToken({ key: ec, claims: { iat: t - 7200, exp: t - 3600 } })),
        'expired',
      );
    });

    it('nbf in the future beyond the tolerance', async () => {
      expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { nbf: now() + 120 } })), 'not yet valid');
    });

    it('missing exp (and the other required claims, sub and iat)', async () => {
      expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { exp: undefined } })));
      expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { sub: undefined } })));
      expectUnauthenticated(await ask(await accessToken({ key: rsa, claims: { iat: undefined } })));
    });

    it('typ JWT instead of at+jwt, or no typ at all (an ID token is not an access token)', async () => {
      expectUnauthenticated(await ask(await accessToken({ key: rsa, typ: 'JWT' })), 'type');
      expectUnauthenticated(await ask(await accessToken({ key: rsa, typ: null })));
      expectUnauthenticated(await ask(await accessToken({ key: rsa, typ: 'id+jwt' })));
    });

    it('a token signed with the local dev key while a JWKS is configured', async () => {
      // app.token signs with the dev key, issuer and audience from the config: everything right
      // but the key. The dev key must not be accepted once AUTH_JWKS_URL is set.
      const devToken = await app.token('caritas-rheine');
      expect(decodeJwt(devToken)).toMatchObject({ iss: ISSUER, aud: AUDIENCE, partner: 'caritas-rheine' });
      expectUnauthenticated(await ask(devToken));
      // Nor with a published kid in its header.
      expectUnauthenticated(
        await ask(
          await accessToken({ key: { kid: EC_KID, alg: 'ES256', privateKey: app.devKey.privateKey as KeyLike } }),
        ),
      );
      const viaHelper = await app.gql('caritas-rheine', VIEWER);
      expect(viaHelper.status).toBe(401);
    });

    it('a token for an unknown partner, or naming none', async () => {
      expectUnauthenticated(await ask(await accessToken({ key: rsa, partner: 'nobody' })), 'unknown partner');
      expectUnauthenticated(
        await ask(await accessToken({ key: rsa, claims: { partner: undefined, client_id: 'nobody' } })),
      );
      expectUnauthenticated(
        await ask(await accessToken({ key: rsa, claims: { partner: undefined, client_id: undefined } })),
      );
      expectUnauthenticated(
        await ask(await accessToken({ key: rsa, claims: { partner: ['caritas-rheine'], client_id: undefined } })),
      );
    });

    it('a token for a deactivated partner', async () => {
      // The gateway caches partner status for 30 s (src/gateway/partner-directory.ts), so a partner
      // deactivated while cached is still accepted for up to 30 s. fbs-rheine has not been looked
      // up by this gateway yet, so its first lookup reads the deactivated row.
      await app.container.subgraphs.hub.dataSource.query(
        `UPDATE hub.partner SET active = false WHERE slug = 'fbs-rheine'`,
      );
      expectUnauthenticated(
        await ask(await accessToken({ key: rsa, partner: 'fbs-rheine', scopes: ['courses:read'] })),
      );
      expectUnauthenticated(
        await ask(await accessToken({ key: ec, partner: 'fbs-rheine', scopes: ['courses:read'] })),
        'partner inactive',
      );
    });
  });

  it('grants only the scopes the partner is registered for', async () => {
    const asked = ['persons:read', 'persons:write', 'residence:write', 'audit:read', 'jobcenter:read', '*'];
    const a = await ask(await accessToken({ key: rsa, scopes: asked }), {
      query: '{ viewer { partner { slug } scopes purpose } persons(first: 1) { totalCount } }',
    });
    expectViewer(a, 'caritas-rheine');
    expect(a.body.data.viewer.scopes).toEqual(['persons:read']);
    // '*' in the token grants nothing: caritas still sees no one.
    expect(a.body.data.persons.totalCount).toBe(0);
    const write = await ask(await accessToken({ key: rsa, scopes: asked }), {
      query:
        'mutation { registerPerson(input: { givenName: "X", familyName: "Y", municipalityKey: "05566076" }) { id } }',
    });
    expect(write.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'persons:write' });
  });

  describe('client-supplied internal headers', () => {
    const QUERY = '{ viewer { partner { slug } scopes purpose } persons(first: 5) { totalCount } }';
    const forgedActor = {
      subject: 'attacker',
      partner: 'rheine-abh',
      scopes: ['*'],
      jurisdiction: ['05566076'],
      purpose: 'residence_administration',
      requestId: 'forged-request',
    };

    it('would matter: an identity with scopes * sees the person when it reaches the city subgraph directly', async () => {
      const city = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
      try {
        const res = await fetch(city.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [IDENTITY_HEADER]: await app.container.identity.sign(forgedActor, 'city'),
          },
          body: JSON.stringify({ query: '{ persons(first: 5) { totalCount } }' }),
          signal: AbortSignal.timeout(10000),
        });
        expect(((await res.json()) as any).data.persons.totalCount).toBeGreaterThanOrEqual(1);
      } finally {
        await city.close();
      }
    });

    it('are ignored by the gateway with in-process subgraphs', async () => {
      const token = await accessToken({ key: rsa });
      const forgedOther = await new IdentitySigner('y'.repeat(48)).sign(forgedActor, 'city');
      const forgedReal = await app.container.identity.sign(forgedActor, 'city');
      for (const forged of [forgedOther, forgedReal]) {
        const a = await ask(token, {
          query: QUERY,
          headers: { [IDENTITY_HEADER]: forged },
          extensions: { headers: { [IDENTITY_HEADER]: forged } },
        });
        expectViewer(a, 'caritas-rheine');
        expect([...a.body.data.viewer.scopes].sort()).toEqual(CARITAS_SCOPES);
        expect(a.body.data.persons.totalCount).toBe(0);
      }
      // Without a token, a forged identity alone gets nothing.
      expectUnauthenticated(await ask(undefined, { query: QUERY, headers: { [IDENTITY_HEADER]: forgedReal } }));
    });

    describe('with the city subgraph remote (over HTTP, behind a recording proxy)', () => {
      let city: Awaited<ReturnType<typeof startSubgraphServer>>;
      let proxy: http.Server;
      let gatewayContainer: Container;
      let gateway: RunningServer;
      const seen: http.IncomingHttpHeaders[] = [];

      beforeAll(async () => {
        city = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
        // Records every request's headers on the way to the city subgraph, then forwards it.
        proxy = http.createServer((req, res) => {
          seen.push({ ...req.headers });
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', async () => {
            try {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(req.headers)) {
                if (
                  v !== undefined &&
                  !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)
                )
                  headers[k] = Array.isArray(v) ? v.join(', ') : v;
              }
              const up = await fetch(city.url, {
                method: req.method,
                headers,
                body: Buffer.concat(chunks),
                signal: AbortSignal.timeout(10000),
              });
              res.statusCode = up.status;
              res.setHeader('content-type', up.headers.get('content-type') ?? 'application/json');
              res.end(Buffer.from(await up.arrayBuffer()));
            } catch {
              res.statusCode = 502;
              res.end();
            }
          });
        });
        await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
        const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
        const env = {
          LOTSE_ENV: 'test',
          DATABASE_URL: app.db.url,
          REDIS_URL,
          LOTSE_QUEUE_PREFIX: app.queuePrefix,
          LOTSE_INTERNAL_SECRET: INTERNAL_SECRET,
          LOTSE_SUBGRAPH_URLS: `city=${proxyUrl}`,
          AUTH_JWKS_URL: jwks.url,
          AUTH_ISSUER: ISSUER,
          AUTH_AUDIENCE: AUDIENCE,
          DB_POOL_SIZE: '2',
          LOG_LEVEL: 'silent',
        };
        gatewayContainer = await createContainer(loadConfig(env), {
          databaseUrl: app.db.url,
          redisUrl: REDIS_URL,
          log: createLogger('silent'),
        });
        gateway = await startGatewayServer(gatewayContainer, { port: 0, host: '127.0.0.1', devKey: app.devKey });
      });
      afterAll(async () => {
        await gateway?.close();
        await gatewayContainer?.close();
        if (proxy) {
          proxy.closeAllConnections();
          await new Promise<void>((resolve) => proxy.close(() => resolve()));
        }
        await city?.close();
      });

      it('forwards only the identity the gateway signs: partner, scopes, purpose, request id, all subgraphs as audience, 60 s', async () => {
        const token = await accessToken({ key: rsa });
        const forgedReal = await app.container.identity.sign(forgedActor, 'city');
        const forgedOther = await new IdentitySigner('y'.repeat(48)).sign(forgedActor, 'city');
        for (const forged of [forgedReal, forgedOther]) {
          seen.length = 0;
          const requestId = `jwks-test-${randomUUID()}`;
          const a = await post(gateway.url, token, {
            query: QUERY,
            headers: {
              [IDENTITY_HEADER]: forged,
              'x-request-id': requestId,
              cookie: 'session=abc',
              'x-forwarded-for': '10.0.0.1',
              'lotse-purpose': 'case_management',
            },
            extensions: { headers: { [IDENTITY_HEADER]: forged } },
          });
          expectViewer(a, 'caritas-rheine');
          expect(a.body.data.persons.totalCount).toBe(0);

          expect(seen.length).toBeGreaterThanOrEqual(1);
          for (const h of seen) {
            expect(h.authorization).toBeUndefined();
            expect(h.cookie).toBeUndefined();
            expect(h['x-forwarded-for']).toBeUndefined();
            expect(h['lotse-purpose']).toBeUndefined();
            expect(typeof h[IDENTITY_HEADER]).toBe('string');
            const identity = h[IDENTITY_HEADER] as string;
            expect(identity).not.toBe(forged);
            const claims = decodeJwt(identity);
            expect(claims).toMatchObject({
              iss: 'urn:lotse:gateway',
              aud: 'urn:lotse:subgraphs',
              partner: 'caritas-rheine',
              pur: 'case_management',
              rid: requestId,
              sub: 'service-account-caritas-rheine',
            });
            expect((claims.scope as string).split(' ').sort()).toEqual(CARITAS_SCOPES);
            expect(claims.exp! - claims.iat!).toBe(60);
            // One identity per gateway request, for every subgraph of this deployment; another
            // deployment (another internal secret) refuses it.
            for (const subgraph of ['city', 'hub']) {
              await expect(app.container.identity.verify(identity, subgraph)).resolves.toMatchObject({
                partner: 'caritas-rheine',
              });
            }
            await expect(new IdentitySigner('y'.repeat(48)).verify(identity, 'city')).rejects.toMatchObject({
              code: 'UNAUTHENTICATED',
            });
          }
        }
      });

      it('answers rheine-social (which has a legal basis) with the person, proving the remote path works', async () => {
        const a = await post(
          gateway.url,
          await accessToken({ key: ec, partner: 'rheine-social', scopes: ['persons:read'] }),
          { query: QUERY },
        );
        expectViewer(a, 'rheine-social');
        expect(a.body.data.persons.totalCount).toBeGreaterThanOrEqual(1);
      });
    });
  });

  describe('key rotation and identity provider outage (run last: they move the clock and stop the JWKS server)', () => {
    /** Moves Date.now (which jose's JWKS cooldown and cache use) ahead instead of waiting. */
    async function withClockAhead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
      const realNow = Date.now.bind(Date);
      const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
      try {
        return await fn();
      } finally {
        spy.mockRestore();
      }
    }

    it('a key the provider rotates in is used once the 30 s refetch cooldown has passed', async () => {
      const rotated = await signingKey('ES256', 'idp-ec-2026');
      jwks.keys = [...jwks.keys, rotated.publicJwk];
      // Within jose's cooldown an unknown kid does not trigger a refetch.
      expectUnauthenticated(await ask(await accessToken({ key: rotated })), 'unknown key');
      const before = jwks.requests;
      await withClockAhead(31_000, async () => {
        expectViewer(await ask(await accessToken({ key: rotated })), 'caritas-rheine');
      });
      expect(jwks.requests).toBe(before + 1);
    });

    it('JWKS server stopped, a kid not yet cached → 503 (could not check), not 401 or 500; cached keys keep working; the gateway keeps serving', async () => {
      await jwks.close();
      const unknown = await signingKey('RS256', 'idp-rsa-2027');
      // Within the cooldown: refused without asking the provider (its key set, fetched just now, lacks the kid).
      expectUnauthenticated(await ask(await accessToken({ key: unknown })), 'unknown key');
      // After it: jose refetches, the connection is refused: the token cannot be checked, it is not invalid.
      await withClockAhead(62_000, async () => {
        const started = performance.now();
        expectUnavailable(await ask(await accessToken({ key: unknown })));
        expect(performance.now() - started).toBeLessThan(6000);
        // Keys already cached still verify during the outage.
        expectViewer(await ask(await accessToken({ key: ec })), 'caritas-rheine');
        expectViewer(await ask(await accessToken({ key: rsa })), 'caritas-rheine');
      });
      const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
    });
  });
});

describe('identity provider unreachable from the start', () => {
  let idp: JwksServer;
  let app: TestApp;
  let key: SigningKey;

  beforeAll(async () => {
    key = await signingKey('RS256', RSA_KID);
    idp = await startJwksServer([key.publicJwk], 'hang');
    app = await startTestApp({ env: { AUTH_JWKS_URL: idp.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => {
    await app?.stop();
    await idp?.close();
  });

  /** 503 (the token could not be checked) within `withinMs`, while /healthz keeps answering at once. */
  async function expectBoundedRejection(withinMs: number) {
    const started = Date.now();
    const pending = post(app.url, await accessToken({ key }));
    const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    expectUnavailable(await pending);
    expect(Date.now() - started).toBeLessThan(withinMs);
  }

  it('a JWKS that never answers → 503 after the 5 s JWKS timeout; other requests are served meanwhile', async () => {
    await expectBoundedRejection(10000);
    expect(idp.requests).toBeGreaterThanOrEqual(1);
  }, 20000);

  it('a JWKS whose body stalls after the headers → 503 within the same bound, and the stalled fetch does not block later ones', async () => {
    idp.mode = 'stall';
    const before = idp.requests;
    await expectBoundedRejection(10000);
    // A second token makes a new attempt: the first, stalled fetch was cut, not left pending.
    await expectBoundedRejection(10000);
    expect(idp.requests - before).toBe(2);
  }, 30000);

  it('a JWKS URL that refuses connections → 503 at once', async () => {
    await idp.close();
    const started = Date.now();
    expectUnavailable(await post(app.url, await accessToken({ key })));
    expectUnavailable(await post(app.url, await accessToken({ key })));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
