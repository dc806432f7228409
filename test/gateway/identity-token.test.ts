import { createSecretKey } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { Actor } from '../../src/shared/actor';
import { ALL_SUBGRAPHS, IdentitySigner } from '../../src/shared/identity';

/**
 * The gateway → subgraph identity is a standard HS256 JWT that only its exact form, secret,
 * audience and lifetime pass; every other token is refused as UNAUTHENTICATED.
 */
describe('gateway identity token', () => {
  const secret = 's'.repeat(40);
  const signer = new IdentitySigner(secret);
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const actor: Actor = {
    subject: 'user-1',
    partner: 'rheine-social',
    scopes: ['persons:read', 'persons:write'],
    jurisdiction: ['05566076'],
    purpose: 'social_assistance',
    requestId: 'req-1',
  };
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { partner: actor.partner, scope: 'persons:read', ags: actor.jurisdiction, pur: null, rid: 'r' };
  const jose = (header: { alg: string; typ?: string }, iat = now(), extra: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...extra })
      .setProtectedHeader(header)
      .setIssuer('urn:lotse:gateway')
      .setAudience(ALL_SUBGRAPHS)
      .setSubject('user-1')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(key);
  const refused = (token: string | undefined, subgraph?: string) =>
    expect(signer.verify(token, subgraph)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

  it('round-trips the actor, and is a JWT a standard library verifies and issues alike', async () => {
    const token = await signer.sign(actor);
    expect(await signer.verify(token)).toEqual(actor);
    const { payload, protectedHeader } = await jwtVerify(token, key, { audience: ALL_SUBGRAPHS });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'lotse-identity+jwt' });
    expect(payload).toMatchObject({ iss: 'urn:lotse:gateway', sub: 'user-1', rid: 'req-1' });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(await signer.verify(await jose({ alg: 'HS256', typ: 'lotse-identity+jwt' }))).toMatchObject({
      partner: 'rheine-social',
      scopes: ['persons:read'],
      purpose: null,
    });
    const until = (await signer.verified(token)).until;
    expect(until).toBe(decodeJwt(token).exp! * 1000);
  });

  it('refuses other secrets, audiences, forms and lifetimes', async () => {
    const forCity = await signer.sign(actor, 'city');
    expect(await signer.verify(forCity, 'city')).toEqual(actor);
    await refused(forCity, 'hub');
    await refused(forCity);
    await refused(undefined);
    await refused(await new IdentitySigner('x'.repeat(40)).sign(actor));
    const [h, p, sig] = (await signer.sign(actor)).split('.');
    const other = Buffer.from(JSON.stringify({ ...decodeJwt(`${h}.${p}.${sig}`), partner: 'caritas' })).toString(
      'base64url',
    );
    await refused(`${h}.${other}.${sig}`);
    await refused(`${h}.${p}.${sig}x`);
    await refused(`${h}.${p}`);
    await refused(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`);
    await refused(await jose({ alg: 'HS512', typ: 'lotse-identity+jwt' }));
    await refused(await jose({ alg: 'HS256', typ: 'JWT' }));
    await refused(await jose({ alg: 'HS256', typ: 'lotse-identity+jwt' }, now() - 120));
    await refused(await jose({ alg: 'HS256', typ: 'lotse-identity+jwt' }, now() + 30));
    await refused(await jose({ alg: 'HS256', typ: 'lotse-identity+jwt' }, now(), { rid: 7 }));
  });
});
