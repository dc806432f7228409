import { SignJWT, jwtVerify } from 'jose';
import { Actor } from './actor';
import { AppError } from './errors';

/**
 * The gateway → subgraph identity: a 60-second HS256 token naming the actor, with the
 * subgraph as audience. A subgraph reached directly, without it, answers nothing.
 */
export const IDENTITY_HEADER = 'x-lotse-identity';
const ISSUER = 'urn:lotse:gateway';
const TTL_SECONDS = 60;

export class IdentitySigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(actor: Actor, subgraph: string): Promise<string> {
    return new SignJWT({
      partner: actor.partner,
      scope: actor.scopes.join(' '),
      ags: actor.jurisdiction,
      pur: actor.purpose,
      rid: actor.requestId,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'lotse-identity+jwt' })
      .setIssuer(ISSUER)
      .setAudience(`urn:lotse:subgraph:${subgraph}`)
      .setSubject(actor.subject)
      .setIssuedAt()
      .setExpirationTime(`${TTL_SECONDS}s`)
      .sign(this.key);
  }

  async verify(token: string | undefined, subgraph: string): Promise<Actor> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'Missing gateway identity');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: `urn:lotse:subgraph:${subgraph}`,
        typ: 'lotse-identity+jwt',
        requiredClaims: ['sub', 'exp', 'iat'],
        maxTokenAge: `${TTL_SECONDS + 5}s`,
      });
      if (typeof payload.partner !== 'string' || typeof payload.rid !== 'string' || !Array.isArray(payload.ags)) {
        throw new Error('malformed identity');
      }
      return {
        subject: payload.sub!,
        partner: payload.partner,
        scopes: typeof payload.scope === 'string' && payload.scope ? payload.scope.split(' ') : [],
        jurisdiction: payload.ags.map(String),
        purpose: typeof payload.pur === 'string' ? payload.pur : null,
        requestId: payload.rid,
      };
    } catch {
      throw new AppError('UNAUTHENTICATED', 'Invalid gateway identity');
    }
  }
}
