import { createSecretKey, KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { Actor } from './actor';
import { AppError } from './errors';

/**
 * The gateway → subgraph identity: a 60-second HS256 token naming the actor, signed once per
 * gateway request for every subgraph that request reaches (audience `urn:lotse:subgraphs`). Only
 * processes holding the same LOTSE_INTERNAL_SECRET mint or accept it, so a token of another
 * deployment is refused. A subgraph reached directly, without it, answers nothing.
 */
export const IDENTITY_HEADER = 'x-lotse-identity';
const ISSUER = 'urn:lotse:gateway';
const TTL_SECONDS = 60;
/** The audience of the gateway's identity: every subgraph of this deployment. */
export const ALL_SUBGRAPHS = 'urn:lotse:subgraphs';
const subgraphAudience = (subgraph: string) => `urn:lotse:subgraph:${subgraph}`;

export class IdentitySigner {
  /** A key object once, rather than raw bytes jose would turn into one on every call. */
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** For every subgraph; or, naming one, for that subgraph alone. */
  async sign(actor: Actor, subgraph?: string): Promise<string> {
    return new SignJWT({
      partner: actor.partner,
      scope: actor.scopes.join(' '),
      ags: actor.jurisdiction,
      pur: actor.purpose,
      rid: actor.requestId,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'lotse-identity+jwt' })
      .setIssuer(ISSUER)
      .setAudience(subgraph ? subgraphAudience(subgraph) : ALL_SUBGRAPHS)
      .setSubject(actor.subject)
      .setIssuedAt()
      .setExpirationTime(`${TTL_SECONDS}s`)
      .sign(this.key);
  }

  /** The actor of an identity meant for every subgraph or for `subgraph`; without a name, only the former. */
  async verify(token: string | undefined, subgraph?: string): Promise<Actor> {
    return (await this.verified(token, subgraph)).actor;
  }

  /** As verify, with the moment (ms) after which the token is no longer accepted, for those who keep it. */
  async verified(token: string | undefined, subgraph?: string): Promise<{ actor: Actor; until: number }> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'Missing gateway identity');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: subgraph ? [ALL_SUBGRAPHS, subgraphAudience(subgraph)] : ALL_SUBGRAPHS,
        typ: 'lotse-identity+jwt',
        requiredClaims: ['sub', 'exp', 'iat'],
        maxTokenAge: `${TTL_SECONDS + 5}s`,
      });
      if (typeof payload.partner !== 'string' || typeof payload.rid !== 'string' || !Array.isArray(payload.ags)) {
        throw new Error('malformed identity');
      }
      const actor: Actor = {
        subject: payload.sub!,
        partner: payload.partner,
        scopes: typeof payload.scope === 'string' && payload.scope ? payload.scope.split(' ') : [],
        jurisdiction: payload.ags.map(String),
        purpose: typeof payload.pur === 'string' ? payload.pur : null,
        requestId: payload.rid,
      };
      return { actor, until: Math.min(payload.exp!, payload.iat! + TTL_SECONDS + 5) * 1000 };
    } catch {
      throw new AppError('UNAUTHENTICATED', 'Invalid gateway identity');
    }
  }
}

/** A copy for one subgraph: no subgraph can change what another is handed. */
export const copyActor = (actor: Actor): Actor => ({
  ...actor,
  scopes: [...actor.scopes],
  jurisdiction: [...actor.jurisdiction],
});
