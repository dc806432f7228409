import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Container } from '../src/container';
import { healthRoutes } from '../src/gateway/health';
import { trackForDrain } from '../src/gateway/http-drain';
import { registerClusterMetrics } from '../src/metrics/metrics.state';

export interface WorkerHttp {
  url: string;
  port: number;
  close(timeoutMs?: number): Promise<void>;
}

/**
 * `lotse worker`'s own small HTTP server on WORKER_PORT: /healthz and /readyz for the orchestrator's
 * probes (the gateway's checks: PostgreSQL, Redis, noeviction) and /metrics for its counters
 * (webhook attempts, audit appends) and the cluster's queue and outbox figures. Nothing else.
 */
export async function startWorkerHttp(container: Container, opts: { port: number; host: string }): Promise<WorkerHttp> {
  registerClusterMetrics(container);
  const routes = healthRoutes(container, container.metrics);
  const log = container.log.child({ component: 'worker-http' });
  const server = http.createServer((req, res) => {
    routes(req, res).then(
      (handled) => {
        if (handled) return;
        res.statusCode = 404;
        res.end();
      },
      (err: Error) => {
        log.warn({ err: { name: err.name } }, 'worker http request failed');
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      },
    );
  });
  server.requestTimeout = 30000;
  const drain = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${port}`,
    port,
    async close(timeoutMs = container.config.shutdownTimeoutMs) {
      await drain.close(timeoutMs, log);
    },
  };
}
