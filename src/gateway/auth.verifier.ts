import type { Container } from '../container';
import { AccessTokenVerifier } from './auth';
import { DevKey } from './dev-key';
import { CachedPartnerDirectory } from './partner-directory';

export interface PartnerTokens {
  verifier: AccessTokenVerifier;
  /** Stops the partner directory's LISTEN connection. */
  close(): Promise<void>;
}

/**
 * The verifier of partner access tokens over the partner directory, built one way for every
 * process that accepts them: the gateway, and subgraph processes with SUBGRAPH_PARTNER_TOKENS.
 * So a token, its partner and its purpose are judged the same wherever they arrive.
 */
export function partnerTokens(
  container: Pick<Container, 'config' | 'subgraphs' | 'databaseUrl' | 'log'>,
  devKey: DevKey | undefined,
): PartnerTokens {
  const { config } = container;
  const partners = new CachedPartnerDirectory(container.subgraphs.hub.services.partners, {
    listen: { url: container.databaseUrl },
    log: container.log.child({ component: 'partner-directory' }),
  });
  try {
    const verifier = new AccessTokenVerifier({
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      jwksUrl: config.auth.jwksUrl,
      devPublicKey: devKey?.publicKey,
      partners,
    });
    return { verifier, close: () => partners.close() };
  } catch (err) {
    void partners.close();
    throw err;
  }
}
