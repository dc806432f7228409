import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import { DevKey, signDevToken } from './dev-key';

/**
 * Development tokens for GraphiQL: the page lets a developer act as any demo partner with one of
 * its purposes, and asks this route for the token. Only in development and test, and only with the
 * development key; anywhere else the route does not exist (404), like GraphiQL itself.
 */
export const DEV_TOKEN_PATH = '/dev/token';
/** Short: a tab is re-issued a token with one click, and a leaked one is soon useless. */
export const DEV_TOKEN_TTL_SECONDS = 3600;
const MAX_BODY = 4096;

export interface DevPartner {
  slug: string;
  name: string;
  purposes: string[];
}

export interface DevPartnerSource {
  findBySlug(slug: string): Promise<{ slug: string; name: string; scopes: string[]; purposes: string[] } | null>;
}

export interface DevTokenIssuer {
  partners(): Promise<DevPartner[]>;
  /** A token for `partner`; undefined when the partner is unknown or the purpose is not one of its own. */
  mint(partner: string, purpose?: string): Promise<{ token: string; expiresAt: string } | undefined>;
}

/**
 * Undefined outside development and test, or without the development key: nothing is ever minted
 * there. `slugs` are the partners offered (the demo partners); those not registered are left out.
 */
export function createDevTokenIssuer(
  config: Pick<Config, 'env' | 'auth'>,
  devKey: DevKey | undefined,
  partners: DevPartnerSource,
  slugs: string[],
): DevTokenIssuer | undefined {
  if (!devKey || (config.env !== 'development' && config.env !== 'test')) return undefined;
  return {
    partners: async () =>
      (await Promise.all(slugs.map((s) => partners.findBySlug(s))))
        .filter((p) => p !== null)
        .map((p) => ({ slug: p.slug, name: p.name, purposes: [...p.purposes] })),
    async mint(slug, purpose) {
      const partner = await partners.findBySlug(slug);
      if (!partner || (purpose !== undefined && !partner.purposes.includes(purpose))) return undefined;
      const token = await signDevToken(devKey, config.auth.issuer, config.auth.audience, {
        partner: partner.slug,
        scopes: partner.scopes,
        ttlSeconds: DEV_TOKEN_TTL_SECONDS,
      });
      return { token, expiresAt: new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString() };
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify(body));
  return true;
}

const bad = (message: string, field: string) => ({ error: { message, code: 'BAD_USER_INPUT', field } });

/**
 * `POST /dev/token {"partner": "...", "purpose": "..."}` → `{token, partner, purpose, expiresAt}`.
 * JSON only: a cross-site form cannot send it without a CORS preflight, which is never answered.
 */
export function devTokenRoute(
  issuer: DevTokenIssuer | undefined,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== DEV_TOKEN_PATH) return false;
    if (!issuer) return reply(res, 404, { error: 'not found' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, 405, { error: { message: 'Use POST', code: 'BAD_REQUEST' } });
    }
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '')))
      return reply(res, 415, { error: { message: 'Send JSON (content-type: application/json)', code: 'BAD_REQUEST' } });
    let raw = '';
    for await (const chunk of req as AsyncIterable<Buffer>) {
      raw += chunk.toString('utf8');
      if (raw.length > MAX_BODY) return reply(res, 413, { error: { message: 'Body too large', code: 'BAD_REQUEST' } });
    }
    let body: { partner?: unknown; purpose?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return reply(res, 400, { error: { message: 'Body is not valid JSON', code: 'BAD_REQUEST' } });
    }
    if (typeof body?.partner !== 'string' || !body.partner)
      return reply(res, 400, bad('partner is required (a partner slug)', 'partner'));
    if (body.purpose !== undefined && typeof body.purpose !== 'string')
      return reply(res, 400, bad('purpose must be a string', 'purpose'));
    const partner = (await issuer.partners()).find((p) => p.slug === body.partner);
    if (!partner) return reply(res, 400, bad(`Unknown partner "${body.partner}"`, 'partner'));
    const purpose = body.purpose ?? partner.purposes[0];
    if (!partner.purposes.includes(purpose))
      return reply(
        res,
        400,
        bad(
          `Partner ${partner.slug} has no purpose "${purpose}" (its purposes: ${partner.purposes.join(', ')})`,
          'purpose',
        ),
      );
    const minted = await issuer.mint(partner.slug, purpose);
    if (!minted) return reply(res, 400, bad(`Unknown partner "${partner.slug}"`, 'partner'));
    return reply(res, 200, { token: minted.token, partner: partner.slug, purpose, expiresAt: minted.expiresAt });
  };
}
