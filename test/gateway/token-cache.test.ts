import http from 'node:http';
import { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { AccessTokenVerifier, AuthenticationError } from '../../src/gateway/auth';
import { signDevToken } from '../../src/gateway/dev-key';
import { CachedPartnerDirectory } from '../../src/gateway/partner-directory';
import { startTestApp, TestApp } from '../helpers/app';

// Counts signature verifications: the real jose runs underneath.
jest.mock('jose', () => {
  const actual = jest.requireActual('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const jwtVerify = jose.jwtVerify as jest.MockedFunction<typeof jose.jwtVerify>;

/**
 * Verified access tokens are kept until they expire (at most 5 minutes), by their hash: a partner
 * sending the same token on every request has its signature checked once. Expiry, the partner's
 * status and the provider's current keys are still honoured on every request.
 */
describe('verified access tokens are cached', () => {
  let app: TestApp;
  let clock: number;
  const issuer = 'urn:lotse:dev';
  const audience = 'urn:lotse:api';

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());
  beforeEach(() => {
    clock = Date.now();
    jwtVerify.mockClear();
  });

  /** A verifier on the dev key, a partner directory without its own cache (every lookup reads the database), and a clock the test moves. */
  const verifier = () =>
    new AccessTokenVerifier({
      issuer,
      audience,
      devPublicKey: app.devKey.publicKey,
      partners: new CachedPartnerDirectory(app.container.subgraphs.hub.services.partners, { ttlMs: 0 }),
      now: () => clock,
    });
  const token = (partner: string, ttlSeconds = 3600) =>
    signDevToken(app.devKey, issuer, audience, { partner, scopes: ['courses:read'], ttlSeconds });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err) => (err instanceof AuthenticationError ? err.problem : `unexpected ${String(err)}`),
    );

  it('checks the signature once for many requests with the same token; each request still gets its own actor', async () => {
    const v = verifier();
    const t = await token('caritas-rheine');
    const actors = [];
    for (let i = 0; i < 5; i++) actors.push(await v.verify(`Bearer ${t}`, `r-${i}`, undefined));
    expect(jwtVerify).toHaveBeenCalledTimes(1);
    expect(actors.map((a) => a.requestId)).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
    expect(actors[4]).toMatchObject({ partner: 'caritas-rheine', scopes: ['courses:read'] });
    // The purpose is decided per request, not cached with the token.
    await expect(v.verify(`Bearer ${t}`, 'r-5', 'no-such-purpose')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a tampered token differing in one character of the signature from a cached one is verified (and refused)', async () => {
    const v = verifier();
    const t = await token('caritas-rheine');
    await v.verify(`Bearer ${t}`, 'r-1');
    // Not the last character: some of its bits are padding, which decoding ignores.
    const at = t.length - 10;
    const tampered = t.slice(0, at) + (t[at] === 'A' ? 'B' : 'A') + t.slice(at + 1);
    expect(await refusal(v.verify(`Bearer ${tampered}`, 'r-2'))).toBe('signature');
    expect(jwtVerify).toHaveBeenCalledTimes(2);
    await v.verify(`Bearer ${t}`, 'r-3');
    expect(jwtVerify).toHaveBeenCalledTimes(2);
  });

  it('a cached token is refused once it has expired (beyond the 30 s clock tolerance)', async () => {
    const v = verifier();
    const t = await token('caritas-rheine', 120);
    await v.verify(`Bearer ${t}`, 'r-1');
    clock += 60_000;
    await v.verify(`Bearer ${t}`, 'r-2');
    expect(jwtVerify).toHaveBeenCalledTimes(1);
    clock += 120_000;
    expect(await refusal(v.verify(`Bearer ${t}`, 'r-3'))).toBe('expired');
  });

  it('a cached token is refused once its partner is deactivated', async () => {
    const v = verifier();
    const t = await token('fbs-rheine');
    await v.verify(`Bearer ${t}`, 'r-1');
    await app.container.subgraphs.hub.dataSource.query(
      `UPDATE hub.partner SET active = false WHERE slug = 'fbs-rheine'`,
    );
    try {
      expect(await refusal(v.verify(`Bearer ${t}`, 'r-2'))).toBe('partner inactive');
      expect(jwtVerify).toHaveBeenCalledTimes(1);
    } finally {
      await app.container.subgraphs.hub.dataSource.query(
        `UPDATE hub.partner SET active = true WHERE slug = 'fbs-rheine'`,
      );
    }
  });

  it('a cached token is refused once its key is no longer in the JWKS', async () => {
    const old = await jose.generateKeyPair('ES256', { extractable: true });
    const next = await jose.generateKeyPair('ES256', { extractable: true });
    const jwk = async (k: jose.KeyLike, kid: string) => ({ ...(await jose.exportJWK(k)), kid, alg: 'ES256' });
    let keys = [await jwk(old.publicKey, 'old')];
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const v = new AccessTokenVerifier({
        issuer,
        audience,
        jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        partners: new CachedPartnerDirectory(app.container.subgraphs.hub.services.partners, { ttlMs: 0 }),
      });
      const sign = (key: jose.KeyLike, kid: string) =>
        new jose.SignJWT({ partner: 'caritas-rheine', scope: 'courses:read' })
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
          .setIssuer(issuer)
          .setAudience(audience)
          .setSubject('s')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(key);
      const t = await sign(old.privateKey, 'old');
      await v.verify(`Bearer ${t}`, 'r-1');
      await v.verify(`Bearer ${t}`, 'r-2');
      expect(jwtVerify).toHaveBeenCalledTimes(1);
      // The provider rotates: the old key is withdrawn. A token of the new key makes the gateway
      // refetch the key set (after jose's 30 s cooldown), and the cached token no longer passes.
      keys = [await jwk(next.publicKey, 'next')];
      const realNow = Date.now.bind(Date);
      const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
      try {
        await v.verify(`Bearer ${await sign(next.privateKey, 'next')}`, 'r-3');
        expect(await refusal(v.verify(`Bearer ${t}`, 'r-4'))).toBe('unknown key');
      } finally {
        spy.mockRestore();
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
