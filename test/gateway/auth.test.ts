import { generateKeyPair, SignJWT } from 'jose';
import { signDevToken } from '../../src/gateway/dev-key';
import { IDENTITY_HEADER } from '../../src/shared/identity';
import { startSubgraphServer } from '../../src/subgraph-server';
import { startTestApp, TestApp } from '../helpers/app';

const QUERY = '{ persons(first: 1) { totalCount } }';

describe('authentication', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const post = (authorization?: string, body: unknown = { query: QUERY }) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  async function expectUnauthenticated(authorization?: string) {
    const res = await post(authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await res.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  }

  it('accepts a valid partner token', async () => {
    const res = await post(`Bearer ${await app.token('rheine-social')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.persons.totalCount).toBe(0);
  });

  it('rejects a request without a token', () => expectUnauthenticated());
  it('rejects a malformed authorization header', () => expectUnauthenticated('Basic dXNlcjpwdw=='));

  it('rejects a token signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await signDevToken(
      { kid: app.devKey.kid, privateKey, publicKey: privateKey },
      'urn:lotse:dev',
      'urn:lotse:api',
      { partner: 'rheine-abh', scopes: ['persons:read'] },
    );
    await expectUnauthenticated(`Bearer ${forged}`);
  });

  it('rejects alg none, wrong audience, wrong issuer, expired and unknown partner', async () => {
    const { config } = app.container;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: config.auth.issuer,
      aud: config.auth.audience,
      sub: 'x',
      partner: 'rheine-abh',
      scope: 'persons:read',
      iat: now,
      exp: now + 600,
    };
    await expectUnauthenticated(`Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`);
    const sign = (c: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT(c).setProtectedHeader({ alg: 'ES256', typ, kid: app.devKey.kid }).sign(app.devKey.privateKey);
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, aud: 'urn:other' })}`);
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, iss: 'urn:other' })}`);
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, iat: now - 7200, exp: now - 3600 })}`);
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, partner: 'nobody' })}`);
    await expectUnauthenticated(`Bearer ${await sign(claims, 'JWT')}`);
  });

  it('never grants scopes the partner is not registered for', async () => {
    const token = await signDevToken(app.devKey, 'urn:lotse:dev', 'urn:lotse:api', {
      partner: 'rheine-dpo',
      scopes: ['persons:read', 'audit:read'],
    });
    const res = await post(`Bearer ${token}`);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'persons:read' });
  });

  describe('a subgraph reached directly', () => {
    let sub: Awaited<ReturnType<typeof startSubgraphServer>>;
    beforeAll(async () => {
      sub = await startSubgraphServer(app.container, 'city', { port: 0, host: '127.0.0.1' });
    });
    afterAll(() => sub?.close());

    const direct = (headers: Record<string, string>) =>
      fetch(sub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: QUERY }),
      });

    it('answers nothing without the gateway identity', async () => {
      const res = await direct({ authorization: `Bearer ${await app.token('rheine-social')}` });
      expect(res.status).toBe(401);
      const body = (await res.json()) as any;
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('rejects an identity minted for another subgraph or with a forged secret', async () => {
      const actor = {
        subject: 's',
        partner: 'rheine-social',
        scopes: ['persons:read'],
        jurisdiction: ['05566076'],
        purpose: 'case_management',
        requestId: 'r-1',
      };
      const forHub = await app.container.identity.sign(actor, 'hub');
      expect((await direct({ [IDENTITY_HEADER]: forHub })).status).toBe(401);
      const { IdentitySigner } = await import('../../src/shared/identity');
      const forged = await new IdentitySigner('x'.repeat(40)).sign(actor, 'city');
      expect((await direct({ [IDENTITY_HEADER]: forged })).status).toBe(401);
      const valid = await app.container.identity.sign(actor, 'city');
      const ok = await direct({ [IDENTITY_HEADER]: valid });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as any).data.persons.totalCount).toBe(0);
    });
  });
});
