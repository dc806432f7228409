import http from 'node:http';
import https from 'node:https';
import { createRemoteJWKSet, jwtVerify, JWTVerifyGetKey, KeyLike } from 'jose';
import { Actor } from '../shared/actor';
import { AppError } from '../shared/errors';

export interface PartnerDirectory {
  /** The partner's status and jurisdiction, or undefined if unknown. */
  lookup(
    slug: string,
  ): Promise<{ active: boolean; jurisdiction: string[]; scopes: string[]; purposes: string[] } | undefined>;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  devPublicKey?: KeyLike | Uint8Array;
  partners: PartnerDirectory;
}

/** Longest a key lookup may wait for the identity provider's JWKS. */
const JWKS_TIMEOUT_MS = 5000;

/**
 * The identity provider's JWKS, with a deadline on the whole fetch. jose's own timeout covers
 * only the wait for the response headers: a body that stalls would hold this and every later
 * refresh (jose shares one pending fetch) forever. At the deadline the lookup fails
 * (UNAUTHENTICATED) and the stalled connection is cut, so the next lookup tries afresh.
 */
function remoteKeySet(url: URL): JWTVerifyGetKey {
  const agent = url.protocol === 'https:' ? new https.Agent() : new http.Agent();
  const jwks = createRemoteJWKSet(url, { agent, timeoutDuration: JWKS_TIMEOUT_MS });
  return async (header, token) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        agent.destroy();
        reject(new Error('JWKS fetch timed out'));
      }, JWKS_TIMEOUT_MS);
    });
    try {
      return await Promise.race([jwks(header, token), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Verifies partner access tokens and turns them into an actor; every failure is UNAUTHENTICATED. */
export class AccessTokenVerifier {
  private readonly key: JWTVerifyGetKey | KeyLike | Uint8Array;

  constructor(private readonly opts: AccessTokenVerifierOptions) {
    if (opts.jwksUrl) this.key = remoteKeySet(new URL(opts.jwksUrl));
    else if (opts.devPublicKey) this.key = opts.devPublicKey;
    else throw new Error('No key to verify access tokens: configure AUTH_JWKS_URL or enable the dev key');
  }

  /**
   * `purposeHeader` is the purpose the request states (Lotse-Purpose). It must be one the token
   * allows (claim `purposes`, else all the partner is registered for); without it the partner's
   * first registered purpose applies.
   */
  async verify(authorization: string | undefined, requestId: string, purposeHeader?: string): Promise<Actor> {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? '');
    if (!match) throw new AppError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>)');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], this.key as KeyLike, {
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 30,
      }));
    } catch {
      throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
    }
    const partner =
      typeof payload.partner === 'string'
        ? payload.partner
        : typeof payload.client_id === 'string'
          ? payload.client_id
          : undefined;
    if (!partner) throw new AppError('UNAUTHENTICATED', 'The access token names no partner');
    const known = await this.opts.partners.lookup(partner);
    if (!known || !known.active) throw new AppError('UNAUTHENTICATED', 'The partner is unknown or deactivated');
    const requested = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const tokenPurposes =
      typeof payload.purposes === 'string' ? payload.purposes.split(' ').filter(Boolean) : known.purposes;
    const allowedPurposes = tokenPurposes.filter((p: string) => known.purposes.includes(p));
    const purpose = purposeHeader?.trim() || allowedPurposes[0] || null;
    if (purpose && !allowedPurposes.includes(purpose)) {
      throw new AppError('FORBIDDEN', `The purpose ${purpose} is not allowed for this token`, {
        purpose,
        allowed: allowedPurposes,
      });
    }
    return {
      subject: payload.sub!,
      partner,
      // A token never grants more than its partner is registered for.
      scopes: requested.filter((s: string) => known.scopes.includes(s)),
      jurisdiction: known.jurisdiction,
      purpose,
      requestId,
    };
  }
}
