import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, JWK, SignJWT, KeyLike } from 'jose';

export interface DevKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  publicKey: KeyLike | Uint8Array;
}

const FILE = 'dev-signing-key.json';

/**
 * The local development signing key, kept under the data directory so that `lotse token`
 * and a running hub agree. Production verifies against an identity provider's JWKS instead.
 */
export async function loadOrCreateDevKey(dataDir: string): Promise<DevKey> {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = `dev-${Date.now().toString(36)}`;
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as JWK;
  const { d: _d, ...publicJwk } = jwk;
  return {
    kid: jwk.kid!,
    privateKey: await importJWK(jwk, 'ES256'),
    publicKey: await importJWK(publicJwk, 'ES256'),
  };
}

export interface TokenRequest {
  partner: string;
  scopes: string[];
  /** Purposes the token allows (claim `purposes`); default: all the partner is registered for. */
  purposes?: string[];
  subject?: string;
  ttlSeconds?: number;
}

/** An RFC 9068-shaped access token, as an OAuth2 client-credentials grant would issue it. */
export async function signDevToken(key: DevKey, issuer: string, audience: string, req: TokenRequest): Promise<string> {
  const claims: Record<string, unknown> = { partner: req.partner, client_id: req.partner, scope: req.scopes.join(' ') };
  if (req.purposes) claims.purposes = req.purposes.join(' ');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(req.subject ?? `client:${req.partner}`)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(`${req.ttlSeconds ?? 8 * 3600}s`)
    .sign(key.privateKey);
}
