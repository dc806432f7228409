import http from 'node:http';
import https from 'node:https';
import { createRemoteJWKSet, JWTHeaderParameters, JWTPayload, jwtVerify, JWTVerifyGetKey, KeyLike } from 'jose';
import { Actor } from '../shared/actor';
import { AppError, isDependencyFailure, serviceUnavailable } from '../shared/errors';
import { VerifiedTokens } from '../shared/verified-tokens';

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
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
  /** Verified tokens kept at most (default 10 000). */
  cacheSize?: number;
}

/** Longest a key lookup may wait for the identity provider's JWKS. */
const JWKS_TIMEOUT_MS = 5000;
/** Seconds of clock skew allowed between the identity provider and us, for exp, nbf and iat. */
const CLOCK_TOLERANCE_S = 30;
/** Longest a verified token is trusted without checking its signature again. */
const CACHE_MAX_MS = 5 * 60_000;

/**
 * Why a token is refused, as `error_description` of the WWW-Authenticate challenge (RFC 6750
 * §3): short, and never about keys or claims beyond their names.
 */
export type TokenProblem =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not yet valid'
  | 'issued in the future'
  | 'audience'
  | 'issuer'
  | 'type'
  | 'algorithm'
  | 'signature'
  | 'unknown key'
  | 'claims'
  | 'no partner'
  | 'unknown partner'
  | 'partner inactive';

/** The credential is invalid (HTTP 401), with the reason for the WWW-Authenticate challenge. */
export class AuthenticationError extends AppError {
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super('UNAUTHENTICATED', message);
    this.name = 'AuthenticationError';
  }

  /** RFC 6750 §3: no error code when the request carries no bearer token at all. */
  get challenge(): string {
    if (this.problem === 'missing') return 'Bearer realm="lotse"';
    return `Bearer realm="lotse", error="invalid_token", error_description="${this.problem}"`;
  }
}

const refuse = (problem: TokenProblem, message: string) => new AuthenticationError(problem, message);

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 7235 §2.1). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^bearer +(\S+)$/i.exec((authorization ?? '').trim());
  return match?.[1];
}

/** jose's verdicts as a reason a partner can act on. */
function tokenProblem(err: unknown): AuthenticationError {
  const e = err as { code?: string; claim?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return refuse('expired', 'The access token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      switch (e.claim) {
        case 'nbf':
          return refuse('not yet valid', 'The access token is not valid yet (nbf)');
        case 'aud':
          return refuse('audience', 'The access token is not meant for this API (aud)');
        case 'iss':
          return refuse('issuer', 'The access token is not from the configured issuer (iss)');
        case 'typ':
          return refuse('type', 'The access token is not of type at+jwt (typ)');
        default:
          return refuse(
            'claims',
            e.claim
              ? `The access token's claim ${e.claim} is missing or invalid`
              : "The access token's claims are invalid",
          );
      }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return refuse('algorithm', 'The access token is signed with an algorithm that is not accepted');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse('signature', 'The access token signature is invalid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return refuse('unknown key', 'The access token is signed with a key the identity provider does not publish');
    default:
      return refuse('malformed', 'The access token is malformed');
  }
}

/** A failure to reach the identity provider: says nothing about the token (503, not 401). */
class IdentityProviderUnavailable extends Error {
  readonly dependencyUnavailable = true;
  constructor(cause: unknown) {
    super('The identity provider could not be reached', { cause });
    this.name = 'IdentityProviderUnavailable';
  }
}

/**
 * The identity provider's JWKS, with a deadline on the whole fetch. jose's own timeout covers
 * only the wait for the response headers: a body that stalls would hold this and every later
 * refresh (jose shares one pending fetch) forever. At the deadline the lookup fails and the
 * stalled connection is cut, so the next lookup tries afresh. A provider that cannot be reached
 * (or answers nonsense) makes the token uncheckable, not invalid: SERVICE_UNAVAILABLE; a kid the
 * provider's current key set lacks is an unknown key.
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
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw err;
      throw new IdentityProviderUnavailable(err);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Verifies partner access tokens and turns them into an actor. An invalid credential is an
 * AuthenticationError (401, with its reason); one that cannot be checked because the identity
 * provider or the partner directory is unreachable is SERVICE_UNAVAILABLE (503).
 */
export class AccessTokenVerifier {
  private readonly key: JWTVerifyGetKey | KeyLike | Uint8Array;
  private readonly now: () => number;
  private readonly verified: VerifiedTokens<VerifiedToken>;

  constructor(private readonly opts: AccessTokenVerifierOptions) {
    if (opts.jwksUrl) this.key = remoteKeySet(new URL(opts.jwksUrl));
    else if (opts.devPublicKey) this.key = opts.devPublicKey;
    else throw new Error('No key to verify access tokens: configure AUTH_JWKS_URL or enable the dev key');
    this.now = opts.now ?? (() => Date.now());
    this.verified = new VerifiedTokens(opts.cacheSize, this.now);
  }

  /**
   * `purposeHeader` is the purpose the request states (Lotse-Purpose). It must be one the token
   * allows (claim `purposes`, else all the partner is registered for); without it the partner's
   * first registered purpose applies.
   */
  async verify(authorization: string | undefined, requestId: string, purposeHeader?: string): Promise<Actor> {
    const raw = bearerToken(authorization);
    if (!raw) {
      if (/^bearer\b/i.test((authorization ?? '').trim()))
        throw refuse('malformed', 'The bearer token is malformed (Authorization: Bearer <token>)');
      throw refuse('missing', 'A bearer token is required (Authorization: Bearer <token>)');
    }
    const payload = await this.verifiedClaims(raw);
    const partner =
      typeof payload.partner === 'string'
        ? payload.partner
        : typeof payload.client_id === 'string'
          ? payload.client_id
          : undefined;
    if (!partner) throw refuse('no partner', 'The access token names no partner');
    let known: Awaited<ReturnType<PartnerDirectory['lookup']>>;
    try {
      known = await this.opts.partners.lookup(partner);
    } catch (err) {
      // Could not check: never answered as an invalid credential.
      if (isDependencyFailure(err)) throw serviceUnavailable();
      throw err;
    }
    if (!known) throw refuse('unknown partner', 'The partner named by the access token is unknown');
    if (!known.active) throw refuse('partner inactive', 'The partner named by the access token is deactivated');
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

  /**
   * The token's claims once its signature and claims are verified. A verified token is kept (by
   * its hash) until it expires, at most CACHE_MAX_MS: the signature is not checked again for each
   * request. The key is: a key the provider no longer publishes (its JWKS refreshed without the kid,
   * or with another key under it) sends the token through full verification again, which refuses it.
   * The partner is looked up on every request all the same (verify).
   */
  private async verifiedClaims(raw: string): Promise<JWTPayload> {
    const id = VerifiedTokens.keyOf(raw);
    const hit = this.verified.get(id);
    if (hit && (await this.stillPublished(hit))) return hit.payload;
    if (hit) this.verified.delete(id);
    let used: unknown;
    const key = this.key;
    const getKey: JWTVerifyGetKey | KeyLike | Uint8Array =
      typeof key === 'function' ? async (header, token) => (used = await key(header, token)) : key;
    let verified;
    try {
      verified = await jwtVerify(raw, getKey as KeyLike, {
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.now()),
      });
    } catch (err) {
      if (isDependencyFailure(err)) throw serviceUnavailable();
      throw tokenProblem(err);
    }
    const { payload, protectedHeader } = verified;
    // jose checks iat only against a maximum age; a token from the future is refused as exp and nbf are.
    if (payload.iat! > this.now() / 1000 + CLOCK_TOLERANCE_S)
      throw refuse('issued in the future', 'The access token is issued in the future (iat)');
    // Kept only while it has not expired: the clock tolerance past exp is never extended by the cache.
    const until = Math.min(payload.exp! * 1000, this.now() + CACHE_MAX_MS);
    this.verified.set(id, { payload, header: protectedHeader, key: used ?? key }, until);
    return payload;
  }

  /** Whether the key that verified a cached token is still the one the provider publishes under its kid. */
  private async stillPublished(entry: VerifiedToken): Promise<boolean> {
    if (typeof this.key !== 'function') return true; // the development key does not change while we run
    try {
      return (await this.key(entry.header, undefined as never)) === entry.key;
    } catch {
      return false;
    }
  }
}

interface VerifiedToken {
  payload: JWTPayload;
  header: JWTHeaderParameters;
  /** The key object that verified it (jose's JWKS hands out the same object while the key set is unchanged). */
  key: unknown;
}
