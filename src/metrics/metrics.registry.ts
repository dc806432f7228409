import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) of the request-sized histograms. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The metrics of one container (no global default registry: tests run several side by side). The
 * names are a contract with docs/deployment.md#metrics and deploy/grafana/lotse-dashboard.json
 * (test/metrics/dashboard.test.ts). Labels carry bounded values only: never ids, partners or
 * anything personal. Global figures read from PostgreSQL and Redis at scrape time are registered
 * separately (metrics.state.ts).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lotse_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'lotse_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['route', 'status'],
      registers,
    }),
    operations: new Histogram({
      name: 'lotse_graphql_operation_seconds',
      help: 'GraphQL operation duration',
      labelNames: ['type', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'lotse_graphql_errors_total',
      help: 'GraphQL errors by code',
      labelNames: ['code'],
      registers,
    }),
    subscriptionEvents: new Counter({
      name: 'lotse_subscription_events_total',
      help: 'Live events per subscription field, delivered or dropped by authorization',
      labelNames: ['field', 'outcome'],
      registers,
    }),
    subscriptionConnections: new Gauge({
      name: 'lotse_subscription_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    subscriptionRefusals: new Counter({
      name: 'lotse_subscription_refusals_total',
      help: 'Refused WebSocket connections by close code',
      labelNames: ['code'],
      registers,
    }),
    subgraphRequests: new Histogram({
      name: 'lotse_subgraph_request_seconds',
      help: 'Gateway calls to a subgraph (in-process or over HTTP) by outcome: ok, error, timeout, unavailable',
      labelNames: ['subgraph', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'lotse_rate_limit_refusals_total',
      help: 'Operations refused by the per-partner rate limits, by the limit reached (operations, cost)',
      labelNames: ['limit'],
      registers,
    }),
    webhookAttempts: new Counter({
      name: 'lotse_webhook_attempts_total',
      help: 'Webhook requests sent, by outcome: delivered, failed_retry, failed_final, gone (410)',
      labelNames: ['outcome'],
      registers,
    }),
    webhookAttemptSeconds: new Histogram({
      name: 'lotse_webhook_attempt_duration_seconds',
      help: 'Duration of webhook requests until the receiver answered (or the timeout), by outcome',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    auditAppendSeconds: new Histogram({
      name: 'lotse_audit_append_seconds',
      help: 'Audit log appends until committed, chain lock included: reads (group commit) and writes (in the transaction)',
      labelNames: ['path'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** What the webhook engine records per request. */
export type WebhookMetrics = Pick<Metrics, 'webhookAttempts' | 'webhookAttemptSeconds'>;
