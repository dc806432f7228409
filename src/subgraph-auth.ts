import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Container } from './container';
import { SubgraphName } from './config';
import { AuthenticationError } from './gateway/auth';
import { PartnerTokens, partnerTokens } from './gateway/auth.verifier';
import { DevKey } from './gateway/dev-key';
import { PURPOSE_HEADER, REQUEST_ID } from './gateway/http';
import { Actor } from './shared/actor';
import { AppError, isDependencyFailure, RETRY_AFTER_SECONDS, serviceUnavailable } from './shared/errors';
import { copyActor, IDENTITY_HEADER } from './shared/identity';
import { VerifiedTokens } from './shared/verified-tokens';

/** Why a subgraph answers a request with nothing: the HTTP status, headers and GraphQL body to send. */
export class SubgraphRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { errors: Array<{ message: string; extensions: Record<string, unknown> }> },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.errors[0].message);
    this.name = 'SubgraphRefusal';
  }
}

export interface SubgraphAuth {
  /** The verified actor of a request; rejects with a SubgraphRefusal, never answers without one. */
  actor(req: http.IncomingMessage): Promise<Actor>;
  close(): Promise<void>;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Who a subgraph process acts for. Always the gateway's signed identity (x-lotse-identity),
 * verified once and kept (by its hash) until it expires. With SUBGRAPH_PARTNER_TOKENS also the
 * partner's own access token as a Federation router forwards it (Authorization, Lotse-Purpose,
 * x-request-id), checked by the gateway's own verifier: issuer, audience, key, partner, purpose.
 *
 * A request carrying an identity is judged by it alone, even with a token beside it: the identity
 * is what Lotse's gateway sends, and a gateway whose secret does not match should fail loudly
 * rather than be served on a token that happens to travel along.
 */
export function createSubgraphAuth(container: Container, name: SubgraphName, devKey?: DevKey): SubgraphAuth {
  const identities = new VerifiedTokens<Actor>();
  const tokens: PartnerTokens | undefined = container.config.subgraphPartnerTokens
    ? partnerTokens(container, devKey)
    : undefined;

  const identified = async (token: string | undefined): Promise<Actor> => {
    const id = token ? VerifiedTokens.keyOf(token) : '';
    const known = id ? identities.get(id) : undefined;
    if (known) return copyActor(known);
    try {
      const { actor, until } = await container.identity.verified(token, name);
      identities.set(id, actor, until);
      return copyActor(actor);
    } catch {
      throw new SubgraphRefusal(401, {
        errors: [{ message: 'A gateway identity is required', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
  };

  /** As the gateway answers the same token (src/gateway/http.ts): 401 with its challenge, 403, 503. */
  const fromToken = async (verifier: PartnerTokens['verifier'], req: http.IncomingMessage): Promise<Actor> => {
    const given = first(req.headers['x-request-id']) ?? '';
    // The router's request id keys the audit entries of all its calls for one client request.
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    try {
      return await verifier.verify(req.headers.authorization, requestId, first(req.headers[PURPOSE_HEADER]));
    } catch (err) {
      if (err instanceof AuthenticationError)
        throw new SubgraphRefusal(
          401,
          { errors: [{ message: err.message, extensions: { code: 'UNAUTHENTICATED' } }] },
          { 'www-authenticate': err.challenge },
        );
      if (err instanceof AppError && err.code === 'FORBIDDEN')
        throw new SubgraphRefusal(403, { errors: [{ message: err.message, extensions: { ...err.extensions } }] });
      // The identity provider or the partner directory cannot be reached: not an invalid credential.
      if (isDependencyFailure(err)) {
        const { message, extensions } = serviceUnavailable();
        throw new SubgraphRefusal(
          503,
          { errors: [{ message, extensions: { ...extensions } }] },
          { 'retry-after': String(RETRY_AFTER_SECONDS) },
        );
      }
      throw err;
    }
  };

  return {
    async actor(req) {
      const identity = first(req.headers[IDENTITY_HEADER]);
      if (identity !== undefined || !tokens) return identified(identity);
      return fromToken(tokens.verifier, req);
    },
    async close() {
      await tokens?.close();
    },
  };
}
