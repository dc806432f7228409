import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per container (no global default registry): tests can run several side by side. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lotse_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'lotse_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    operations: new Histogram({
      name: 'lotse_graphql_operation_seconds',
      help: 'GraphQL operation duration',
      labelNames: ['type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'lotse_graphql_errors_total',
      help: 'GraphQL errors by code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
