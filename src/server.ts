import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Container } from './container';
import { partnerTokens } from './gateway/auth.verifier';
import { DevKey } from './gateway/dev-key';
import { createDevTokenIssuer, devTokenRoute } from './gateway/dev-token';
import { demoCityConfig } from './seed/demo-config';
import { EXAMPLE_OPERATIONS } from './gateway/examples';
import { buildGatewaySchema, createAdmission, createApolloServer, createRateLimiter } from './gateway/gateway';
import { createGraphiqlHandler } from './gateway/graphiql';
import { healthRoutes } from './gateway/health';
import { indicatorReportRoute } from './reports/indicator-report.route';
import { createHttpHandler } from './gateway/http';
import { trackForDrain } from './gateway/http-drain';
import { IdempotencyGate } from './gateway/idempotency';
import { CachedTrustedDocuments } from './gateway/trusted-documents';
import { LiveEventSubscriber } from './events/live-events';
import { createRedisConnection } from './shared/redis';
import { SubscriptionDeps } from './gateway/subscriptions';
import { attachSubscriptionServer } from './gateway/subscriptions-server';
import { registerClusterMetrics } from './metrics/metrics.state';

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  /** subscriptions: this process's fan-out of live events (tests wait for its listeners). */
  liveEvents: LiveEventSubscriber;
  /**
   * Stops accepting connections, closes WebSocket subscriptions (1001), lets requests in flight
   * finish and cuts what is still open after `timeoutMs` (default SHUTDOWN_TIMEOUT_MS).
   */
  close(timeoutMs?: number): Promise<void>;
}

/** The gateway over HTTP: /graphql, GraphiQL at /, /reports/indicators, /healthz, /readyz, /metrics. */
export async function startGatewayServer(
  container: Container,
  opts: { port: number; host: string; devKey?: DevKey },
): Promise<RunningServer> {
  const { config } = container;
  // The container's registry: in `lotse serve` the workers' figures are on this /metrics too.
  const metrics = container.metrics;
  registerClusterMetrics(container);
  const liveEvents = new LiveEventSubscriber(
    createRedisConnection(container.redisUrl),
    config.queuePrefix,
    container.log.child({ component: 'live-events' }),
  );
  await liveEvents.start();
  const live: SubscriptionDeps = {
    listen: (listener) => liveEvents.listen(listener),
    // The policy decision point, as the hub's resolvers ask it, under the subscriber's jurisdiction.
    allowed: (actor, personId, category) =>
      container.rowSecurity
        .run(actor.jurisdiction, () => container.subgraphs.hub.createContext(actor).policy.decide(personId, category))
        .then((d) => d.allowed),
    maxBacklog: 100,
    onCheckFailed: (eventId, err) =>
      container.log.warn({ eventId, err: { name: (err as Error).name } }, 'live event check failed'),
    onOutcome: (field, outcome) => metrics.subscriptionEvents.inc({ field, outcome }),
  };
  // One set of per-partner counters and one cache of registered documents for the whole process.
  const rateLimiter = createRateLimiter({ redis: container.redis, config, metrics });
  const documents = new CachedTrustedDocuments(container.subgraphs.hub.services.trustedDocuments);
  const { subgraphs, identity, redis, audit, rowSecurity } = container;
  const gatewayOpts = { config, subgraphs, identity, metrics, redis, audit, rowSecurity, live, rateLimiter, documents };
  const { schema } = buildGatewaySchema(gatewayOpts);
  // One admission for HTTP operations and WebSocket subscriptions.
  const admission = createAdmission(schema, gatewayOpts);
  const apollo = createApolloServer(schema, { ...gatewayOpts, admission });
  await apollo.start();

  const partners = container.subgraphs.hub.services.partners;
  const tokens = partnerTokens(container, opts.devKey);
  const { verifier } = tokens;

  // GraphiQL and its dev tokens are development tools: production serves no page and mints nothing.
  const devTokens = createDevTokenIssuer(
    config,
    opts.devKey,
    partners,
    // GraphiQL's partner picker offers the demo partners (examples/rheine/city.yaml); no file is read in production.
    opts.devKey && config.env !== 'production' ? demoCityConfig().partners.map((p) => p.slug) : [],
  );
  const routes = [
    healthRoutes(container, metrics),
    devTokenRoute(devTokens),
    // The steering report (HTML, CSV) with the same credentials as /graphql.
    indicatorReportRoute({
      indicators: container.subgraphs.hub.services.indicators,
      verifier,
      asActor: (actor, fn) => container.rowSecurity.run(actor.jurisdiction, fn),
    }),
  ];
  if (config.env !== 'production') {
    routes.push(createGraphiqlHandler({ endpoint: '/graphql', examples: EXAMPLE_OPERATIONS, devTokens }));
  }

  // Idempotency-Key: a persisted reference is looked up to see whether it names a mutation.
  const idempotency = new IdempotencyGate({ store: container.idempotency, documents });
  const handler = createHttpHandler({ apollo, verifier, metrics, log: container.log, routes, idempotency });
  const server = http.createServer((req, res) => void handler(req, res));
  server.requestTimeout = 30000;
  const drain = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  }).catch(async (err) => {
    await tokens.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const log = container.log.child({ component: 'subscriptions' });
  const subscriptions = attachSubscriptionServer({ server, verifier, config, log, metrics, admission });
  return {
    url: `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${port}`,
    port,
    server,
    liveEvents,
    async close(timeoutMs = config.shutdownTimeoutMs) {
      // No new connections from here on; requests in flight finish (bounded), subscribers get 1001.
      const drained = drain.close(timeoutMs, container.log.child({ component: 'http' }));
      await subscriptions.close(); // WebSocket connections are not the HTTP server's to close
      await drained;
      await apollo.stop();
      await idempotency.close();
      await liveEvents.close();
      await tokens.close();
    },
  };
}
