import net from 'node:net';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createMetrics } from '../../src/metrics/metrics.registry';
import { registerStateMetrics } from '../../src/metrics/metrics.state';
import { startTestApp, TestApp } from '../helpers/app';
import { parseExposition, valueOf } from '../helpers/prometheus';

/**
 * A Redis that accepts connections and never answers (a hung server, or one behind a dead link):
 * /metrics still answers within the timeout, with the PostgreSQL figures, and counts the miss.
 */
describe('a scrape while Redis does not answer', () => {
  let app: TestApp;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    // No ready check: the commands go out on the socket and wait for an answer that never comes.
    redis = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, maxRetriesPerRequest: null });
    queue = new Queue('events', { connection: redis, prefix: app.queuePrefix });
  });
  afterAll(async () => {
    redis?.disconnect();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await app?.stop();
  });

  it('answers within the timeout, keeps the PostgreSQL figures and counts the miss', async () => {
    const metrics = createMetrics();
    const { container } = app;
    registerStateMetrics(metrics, {
      queues: { events: queue },
      outboxes: { hub: container.subgraphs.hub.dataSource },
      hub: container.subgraphs.hub.dataSource,
      rowSecurity: container.rowSecurity,
      clock: container.clock,
      log: container.log,
      timeoutMs: 300,
    });
    const started = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(2000);
    const scraped = parseExposition(text);
    expect(valueOf(scraped, 'lotse_metrics_collect_errors_total', { source: 'redis' })).toBe(1);
    expect(valueOf(scraped, 'lotse_metrics_collect_errors_total', { source: 'postgres' })).toBe(0);
    expect(scraped.samples.filter((s) => s.name === 'lotse_queue_jobs')).toEqual([]);
    expect(scraped.samples.some((s) => s.name === 'lotse_outbox_lag_seconds' && s.labels.source === 'hub')).toBe(true);
  });
});
