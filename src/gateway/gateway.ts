import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
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
import { errorCode, formatError } from '../shared/errors';
import { IdentitySigner } from '../shared/identity';
import { Subgraph } from '../subgraphs/subgraph';
import type { HubSubgraph } from '../subgraphs/hub/hub.subgraph';
import { Admission } from './admission';
import { admissionPlugin } from './admission.apollo';
import { suggestionScrubber } from './armor';
import { composeSupergraph } from './compose';
import { GatewayContext } from './context';
import { locateSubgraphErrors } from './error-paths';
import { localExecutor, remoteExecutor, RequestIdentity, timedExecutor } from './executors';
import { Metrics } from './metrics';
import { RateLimiter } from './rate-limit';
import { CachedTrustedDocuments } from './trusted-documents';
import { requestAuditPlugin } from './request-audit';
import { SubscriptionDeps, withSubscriptions } from './subscriptions';

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
  /** Per-partner rate limits (else built from redis and config). */
  rateLimiter?: RateLimiter;
  /** The process's one cache of registered documents (else one is built for this server). */
  documents?: CachedTrustedDocuments;
  /** Admission of HTTP and WebSocket operations (else built for this server from the above). */
  admission?: Admission;
  /** Live events of this process: with them the schema gets the Subscription type (src/gateway/subscriptions.ts). */
  live?: SubscriptionDeps;
}

/**
 * The supergraph is composed from the subgraphs' code at start; each subgraph runs in this
 * process unless LOTSE_SUBGRAPH_URLS names a URL for it. Same supergraph either way.
 */
export function buildGatewaySchema(opts: GatewayOptions): { schema: GraphQLSchema; supergraph: string } {
  const composed = composeSupergraph(
    Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, opts.subgraphs[n].sdl])) as Record<SubgraphName, string>,
  );
  // One identity per gateway request, for all its subgraphs.
  const identity = new RequestIdentity(opts.identity);
  const schema = getStitchedSchemaFromSupergraphSdl({
    supergraphSdl: composed.supergraph,
    onSubschemaConfig(cfg) {
      const name = cfg.name.toLowerCase() as SubgraphName;
      const url = opts.config.subgraphUrls[name];
      const timeoutMs = opts.config.subgraphTimeoutMs;
      const { audit, rowSecurity } = opts;
      const executor = url
        ? remoteExecutor(url, identity, timeoutMs)
        : localExecutor(opts.subgraphs[name], { identity, audit, rowSecurity, timeoutMs });
      cfg.executor = timedExecutor(name, executor, opts.metrics.subgraphRequests);
    },
    // The gateway's own Subscription type, stitched with the subgraphs.
    onStitchingOptions: opts.live ? (stitching) => withSubscriptions(stitching, opts.live!) : undefined,
  });
  return { schema: locateSubgraphErrors(schema), supergraph: composed.supergraph };
}

/** The per-partner rate limits of the configuration, counted in Redis under the queue prefix. */
export function createRateLimiter(opts: Pick<GatewayOptions, 'redis' | 'config' | 'metrics'>): RateLimiter {
  const { redis, config, metrics } = opts;
  return new RateLimiter({
    redis,
    prefix: config.queuePrefix,
    ...config.rateLimit,
    refusals: metrics.rateLimitRefusals,
  });
}

/**
 * The one admission of the process for this schema: trusted documents, query limits (armor.ts),
 * transport rules and rate limits, for HTTP and WebSocket alike (admission.ts).
 */
export function createAdmission(schema: GraphQLSchema, opts: GatewayOptions): Admission {
  // Only registered documents run where TRUSTED_DOCUMENTS is on; persisted references resolve always.
  const documents = opts.documents ?? new CachedTrustedDocuments(opts.subgraphs.hub.services.trustedDocuments);
  const rateLimiter = opts.rateLimiter ?? createRateLimiter(opts);
  return new Admission({ schema, config: opts.config, documents, rateLimiter, metrics: opts.metrics });
}

export function createApolloServer(schema: GraphQLSchema, opts: GatewayOptions): ApolloServer<GatewayContext> {
  const production = opts.config.env === 'production';
  const admission = opts.admission ?? createAdmission(schema, opts);
  return new ApolloServer<GatewayContext>({
    schema,
    // Admission refuses introspection in production; Apollo's own check no longer runs (no validation here).
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Automatic persisted queries would let any client register a document: trusted documents replace them.
    persistedQueries: false,
    // Admission validated the document against this schema, with the query limits, before Apollo sees it.
    dangerouslyDisableValidation: true,
    // Admission keeps the valid documents (1,000 at most). Apollo's own cache would keep them again,
    // bounded by their JSON size (30 MiB), which leaves out the tokens a parsed document holds: some
    // 10,000 distinct documents, several hundred MB of heap. Apollo parses again instead (≤ 400 tokens).
    documentStore: null,
    formatError,
    // We stop in order (server, workers, pools, embedded PostgreSQL) on SIGINT/SIGTERM ourselves.
    stopOnTerminationSignals: false,
    // No vendor telemetry even if APOLLO_KEY is set; no landing page that loads from a CDN.
    // The scrubber removes "Did you mean …?" from errors of execution (variables) too.
    plugins: [
      admissionPlugin(admission),
      requestAuditPlugin(opts.audit),
      suggestionScrubber<GatewayContext>(),
      observabilityPlugin(opts.metrics),
      noStore(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
}

/**
 * Answers are never cached (they carry personal data). Apollo's cache-control plugin would say
 * the same, as no field has a cache hint, but it wraps every resolver to collect hints on each request.
 */
export function noStore<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
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
          for (const e of errors ?? []) metrics.graphqlErrors.inc({ code: errorCode(e) });
          contextValue.log.info(
            { operationName: operationName ?? null, type, outcome, ms: Math.round(seconds * 1000) },
            'graphql operation',
          );
        },
        async didEncounterErrors({ errors }) {
          for (const e of errors) {
            if (!e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR') {
              // Messages can echo input values: log the error class and SQLSTATE only.
              const original: (Error & { code?: string }) | undefined = e.originalError;
              contextValue.log.error(
                { err: { name: original?.name ?? e.name, code: original?.code, path: e.path } },
                'graphql error',
              );
            }
          }
        },
      };
    },
  };
}
