import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Container } from './container';
import { AccessTokenVerifier } from './gateway/auth';
import { DevKey, signDevToken } from './gateway/dev-key';
import { EXAMPLE_OPERATIONS } from './gateway/examples';
import { buildGatewaySchema, createApolloServer } from './gateway/gateway';
import { createGraphiqlHandler } from './gateway/graphiql';
import { healthRoutes } from './gateway/health';
import { createHttpHandler } from './gateway/http';
import { IdempotencyGate } from './gateway/idempotency';
import { createMetrics } from './gateway/metrics';
import { CachedPartnerDirectory } from './gateway/partner-directory';
import { CachedTrustedDocuments } from './gateway/trusted-documents';

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** The gateway over HTTP: /graphql, GraphiQL at /, /healthz, /readyz, /metrics. */
export async function startGatewayServer(container: Container, opts: { port: number; host: string; devKey?: DevKey }): Promise<RunningServer> {
  const { config } = container;
  const metrics = createMetrics();
  const gatewayOpts = { config, subgraphs: container.subgraphs, identity: container.identity, metrics, redis: container.redis, audit: container.audit, rowSecurity: container.rowSecurity };
  const { schema } = buildGatewaySchema(gatewayOpts);
  const apollo = createApolloServer(schema, gatewayOpts);
  await apollo.start();

  const partners = container.subgraphs.hub.services.partners;
  const verifier = new AccessTokenVerifier({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    jwksUrl: config.auth.jwksUrl,
    devPublicKey: opts.devKey?.publicKey,
    partners: new CachedPartnerDirectory(partners),
  });

  // GraphiQL is a development tool: production serves no page and hands out no tokens.
  const tokenFor = async (slug: string) => {
    if (!opts.devKey || config.env === 'production') return undefined;
    const partner = await partners.findBySlug(slug);
    if (!partner) return undefined;
    return signDevToken(opts.devKey, config.auth.issuer, config.auth.audience, { partner: slug, scopes: partner.scopes, ttlSeconds: 8 * 3600 });
  };
  const routes = [healthRoutes(container, metrics)];
  if (config.env !== 'production') {
    routes.push(
      createGraphiqlHandler({
        endpoint: '/graphql',
        // GraphiQL's first tab takes the default headers: the first example's partner.
        devToken: () => tokenFor(EXAMPLE_OPERATIONS[0].partner),
        examples: EXAMPLE_OPERATIONS,
        exampleToken: tokenFor,
      }),
    );
  }

  // Idempotency-Key: a persisted reference is looked up to see whether it names a mutation.
  const idempotency = new IdempotencyGate({ store: container.idempotency, documents: new CachedTrustedDocuments(container.subgraphs.hub.services.trustedDocuments) });
  const handler = createHttpHandler({ apollo, verifier, metrics, log: container.log, routes, idempotency });
  const server = http.createServer((req, res) => void handler(req, res));
  server.requestTimeout = 30000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${port}`,
    port,
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await apollo.stop();
    },
  };
}
