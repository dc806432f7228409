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

  /** 401 UNAUTHENTICATED; `reason` is the challenge's error_description (RFC 6750 §3), none without a token. */
  async function expectUnauthenticated(authorization?: string, reason?: string) {
    const res = await post(authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      reason === undefined
        ? 'Bearer realm="lotse"'
        : `Bearer realm="lotse", error="invalid_token", error_description="${reason}"`,
    );
    const body = (await res.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    return body.errors[0].message as string;
  }

  it('accepts a valid partner token', async () => {
    const res = await post(`Bearer ${await app.token('rheine-social')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.persons.totalCount).toBe(0);
  });

  it('rejects a request without a token', () => expectUnauthenticated());
  it('rejects a malformed authorization header', async () => {
    await expectUnauthenticated('Basic dXNlcjpwdw==');
    await expectUnauthenticated('Bearer', 'malformed');
    await expectUnauthenticated('Bearer not a token', 'malformed');
    await expectUnauthenticated('Bearer a.b.c', 'malformed');
  });

  it('takes the Bearer scheme case-insensitively (RFC 7235 §2.1)', async () => {
    const token = await app.token('rheine-social');
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await post(`${scheme} ${token}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).data.persons.totalCount).toBe(0);
    }
  });

  it('rejects a token signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await signDevToken(
      { kid: app.devKey.kid, privateKey, publicKey: privateKey },
      'urn:lotse:dev',
      'urn:lotse:api',
      { partner: 'rheine-abh', scopes: ['persons:read'] },
    );
    await expectUnauthenticated(`Bearer ${forged}`, 'signature');
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
    await expectUnauthenticated(`Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`, 'algorithm');
    const sign = (c: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT(c).setProtectedHeader({ alg: 'ES256', typ, kid: app.devKey.kid }).sign(app.devKey.privateKey);
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, aud: 'urn:other' })}`, 'audience');
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, iss: 'urn:other' })}`, 'issuer');
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, iat: now - 7200, exp: now - 3600 })}`, 'expired');
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, nbf: now + 600 })}`, 'not yet valid');
    await expectUnauthenticated(`Bearer ${await sign({ ...claims, partner: 'nobody' })}`, 'unknown partner');
    await expectUnauthenticated(`Bearer ${await sign(claims, 'JWT')}`, 'type');
    const { sub: _sub, ...withoutSub } = claims;
    await expectUnauthenticated(`Bearer ${await sign(withoutSub)}`, 'claims');
    const { partner: _partner, ...withoutPartner } = claims;
    await expectUnauthenticated(`Bearer ${await sign(withoutPartner)}`, 'no partner');
  });

  it('rejects a token issued in the future beyond the 30 s clock tolerance, and accepts one within it', async () => {
    const { config } = app.container;
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number) =>
      new SignJWT({
        iss: config.auth.issuer,
        aud: config.auth.audience,
        sub: 'x',
        partner: 'rheine-social',
        scope: 'persons:read',
        iat,
        exp: iat + 600,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: app.devKey.kid })
        .sign(app.devKey.privateKey);
    const message = await expectUnauthenticated(`Bearer ${await sign(now + 3600)}`, 'issued in the future');
    expect(message).toMatch(/issued in the future/);
    await expectUnauthenticated(`Bearer ${await sign(now + 120)}`, 'issued in the future');
    expect((await post(`Bearer ${await sign(now + 10)}`)).status).toBe(200);
  });

  it('a partner that is deactivated is named so; the challenge never carries key material', async () => {
    await app.container.subgraphs.hub.dataSource.query(
      `UPDATE hub.partner SET active = false WHERE slug = 'fbs-rheine'`,
    );
    const token = await app.token('fbs-rheine', ['courses:read']);
    await expectUnauthenticated(`Bearer ${token}`, 'partner inactive');
    const res = await post(`Bearer ${token}`);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).not.toContain(app.devKey.kid);
    expect(challenge).not.toContain(token.split('.')[0]);
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
