import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
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

/** The one header every identity has; a token with any other is refused. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'lotse-identity+jwt' })).toString('base64url');
const invalid = () => new AppError('UNAUTHENTICATED', 'Invalid gateway identity');

/**
 * Signs and checks the identity as a compact HS256 JWT with node:crypto directly: every subgraph
 * call verifies a new one, and a generic JOSE library's per-call work (key checks, async steps,
 * header variants we never issue) buys nothing for the one form we issue. Only the exact header
 * above is accepted, so no other algorithm or critical extension can be smuggled in.
 */
export class IdentitySigner {
  /** A key object once, rather than raw bytes turned into one on every call. */
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** For every subgraph; or, naming one, for that subgraph alone. */
  async sign(actor: Actor, subgraph?: string): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      partner: actor.partner,
      scope: actor.scopes.join(' '),
      ags: actor.jurisdiction,
      pur: actor.purpose,
      rid: actor.requestId,
      iss: ISSUER,
      aud: subgraph ? subgraphAudience(subgraph) : ALL_SUBGRAPHS,
      sub: actor.subject,
      iat,
      exp: iat + TTL_SECONDS,
    };
    const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signed}.${this.mac(signed)}`;
  }

  /** The actor of an identity meant for every subgraph or for `subgraph`; without a name, only the former. */
  async verify(token: string | undefined, subgraph?: string): Promise<Actor> {
    return (await this.verified(token, subgraph)).actor;
  }

  /** As verify, with the moment (ms) after which the token is no longer accepted, for those who keep it. */
  async verified(token: string | undefined, subgraph?: string): Promise<{ actor: Actor; until: number }> {
    if (!token) throw new AppError('UNAUTHENTICATED', 'Missing gateway identity');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw invalid();
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!payload || typeof payload !== 'object') throw invalid();
    const { iss, aud, sub, iat, exp, nbf, partner, rid, ags, scope, pur } = payload;
    const audiences = subgraph ? [ALL_SUBGRAPHS, subgraphAudience(subgraph)] : [ALL_SUBGRAPHS];
    const now = Math.floor(Date.now() / 1000);
    if (
      iss !== ISSUER ||
      !(Array.isArray(aud) ? aud.some((a) => audiences.includes(a)) : audiences.includes(aud as string)) ||
      typeof sub !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp <= now ||
      (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) ||
      // Not older than its lifetime (and a little), nor from the future.
      now - iat > TTL_SECONDS + 5 ||
      now - iat < 0 ||
      typeof partner !== 'string' ||
      typeof rid !== 'string' ||
      !Array.isArray(ags)
    )
      throw invalid();
    const actor: Actor = {
      subject: sub,
      partner,
      scopes: typeof scope === 'string' && scope ? scope.split(' ') : [],
      jurisdiction: ags.map(String),
      purpose: typeof pur === 'string' ? pur : null,
      requestId: rid,
    };
    return { actor, until: Math.min(exp, iat + TTL_SECONDS + 5) * 1000 };
  }

  private mac(signed: string): string {
    return createHmac('sha256', this.key).update(signed).digest('base64url');
  }
}

/** A copy for one subgraph: no subgraph can change what another is handed. */
export const copyActor = (actor: Actor): Actor => ({
  ...actor,
  scopes: [...actor.scopes],
  jurisdiction: [...actor.jurisdiction],
});
