import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { GraphQLSchema } from 'graphql';
import type Redis from 'ioredis';
import { AuditLog } from '../audit/audit.service';
import { RowSecurityContext } from '../shared/row-security';
import { Config, SubgraphName, SUBGRAPH_NAMES } from '../config';
import { formatError } from '../shared/errors';
import { IdentitySigner } from '../shared/identity';
import { Subgraph } from '../subgraphs/subgraph';
import type { HubSubgraph } from '../subgraphs/hub/hub.subgraph';
import { createArmor } from './armor';
import { composeSupergraph } from './compose';
import { GatewayContext } from './context';
import { localExecutor, remoteExecutor } from './executors';
import { Metrics } from './metrics';
import { RateLimiter, rateLimitPlugin } from './rate-limit';
import { CachedTrustedDocuments, trustedDocumentsPlugin } from './trusted-documents';
import { refuseSubscriptionsOverHttp, SubscriptionDeps, withSubscriptions } from './subscriptions'; // subscriptions

export interface GatewayOptions {
  config: Config;
  /** The hub always runs here too: the gateway reads its trusted documents. */
  subgraphs: Record<SubgraphName, Subgraph> & { hub: HubSubgraph };
  identity: IdentitySigner;
  metrics: Metrics;
  /** Per-partner rate limits are counted here (the container's connection). */
  redis: Redis;
  /** Reads and denials of personal data are written here after each subgraph call. */
  audit: AuditLog;
  /** Row-level security context of the in-process subgraphs' connections. */
  rowSecurity: RowSecurityContext;
  /** Per-partner rate limits; shared with the WebSocket subscriptions when given (else built here). */
  rateLimiter?: RateLimiter;
  // --- subscriptions ---
  /** Live events of this process: with them the schema gets the Subscription type (src/gateway/subscriptions.ts). */
  live?: SubscriptionDeps;
  // --- end subscriptions ---
}

/**
 * The supergraph is composed from the subgraphs' code at start; each subgraph runs in this
 * process unless LOTSE_SUBGRAPH_URLS names a URL for it. Same supergraph either way.
 */
export function buildGatewaySchema(opts: GatewayOptions): { schema: GraphQLSchema; supergraph: string } {
  const composed = composeSupergraph(Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, opts.subgraphs[n].sdl])) as Record<SubgraphName, string>);
  const schema = getStitchedSchemaFromSupergraphSdl({
    supergraphSdl: composed.supergraph,
    onSubschemaConfig(cfg) {
      const name = cfg.name.toLowerCase() as SubgraphName;
      const url = opts.config.subgraphUrls[name];
      const timeoutMs = opts.config.subgraphTimeoutMs;
      const { identity, audit, rowSecurity } = opts;
      cfg.executor = url
        ? remoteExecutor(name, url, identity, timeoutMs)
        : localExecutor(opts.subgraphs[name], { identity, audit, rowSecurity, timeoutMs });
    },
    // --- subscriptions: the gateway's own Subscription type, stitched with the subgraphs ---
    onStitchingOptions: opts.live ? (stitching) => withSubscriptions(stitching, opts.live!) : undefined,
    // --- end subscriptions ---
  });
  return { schema, supergraph: composed.supergraph };
}

/** The per-partner rate limits of the configuration, counted in Redis under the queue prefix. */
export function createRateLimiter(opts: Pick<GatewayOptions, 'redis' | 'config'>): RateLimiter {
  return new RateLimiter({ redis: opts.redis, prefix: opts.config.queuePrefix, ...opts.config.rateLimit });
}

export function createApolloServer(schema: GraphQLSchema, opts: GatewayOptions): ApolloServer<GatewayContext> {
  const production = opts.config.env === 'production';
  // Depth, aliases, cost, tokens, directives, no field suggestions: see armor.ts for the limits.
  const armor = createArmor<GatewayContext>(opts.config);
  const rateLimit = rateLimitPlugin(opts.rateLimiter ?? createRateLimiter(opts));
  // Only registered documents run where TRUSTED_DOCUMENTS is on; persisted references resolve always.
  const trustedDocuments = trustedDocumentsPlugin({ documents: new CachedTrustedDocuments(opts.subgraphs.hub.services.trustedDocuments), enforce: opts.config.trustedDocuments });
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Automatic persisted queries would let any client register a document: trusted documents replace them.
    persistedQueries: false,
    validationRules: armor.validationRules,
    formatError,
    // We stop in order (server, workers, pools, embedded PostgreSQL) on SIGINT/SIGTERM ourselves.
    stopOnTerminationSignals: false,
    // No vendor telemetry even if APOLLO_KEY is set; no landing page that loads from a CDN.
    plugins: [trustedDocuments, ...armor.plugins, refuseSubscriptionsOverHttp<GatewayContext>() /* subscriptions */, rateLimit, observabilityPlugin(opts.metrics), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
  });
}

/** Logs one line per operation (name, type, outcome, duration; never variables) and feeds metrics. */
function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const start = process.hrtime.bigint();
      return {
        async didResolveOperation({ operationName }) {
          contextValue.operationName = operationName ?? null;
        },
        async willSendResponse({ operation, operationName, errors }) {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          const type = operation?.operation ?? 'unknown';
          const outcome = errors?.length ? 'error' : 'ok';
          metrics.operations.observe({ type, outcome }, seconds);
          for (const e of errors ?? []) metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          contextValue.log.info({ operationName: operationName ?? null, type, outcome, ms: Math.round(seconds * 1000) }, 'graphql operation');
        },
        async didEncounterErrors({ errors }) {
          for (const e of errors) {
            if (!e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR') {
              // Messages can echo input values: log the error class and SQLSTATE only.
              const original = e.originalError as (Error & { code?: string }) | undefined;
              contextValue.log.error({ err: { name: original?.name ?? e.name, code: original?.code, path: e.path } }, 'graphql error');
            }
          }
        },
      };
    },
  };
}
