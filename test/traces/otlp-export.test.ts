import http from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { registerPersonViaApi } from '../factories';
import { requireBuild, WorkerProcesses } from '../faults/support/worker.process';
import { REDIS_URL } from '../setup/pg';

/** A loopback OTLP/HTTP collector: what arrives, by path. */
async function startCollector(port = 0) {
  const received: Array<{ path: string; contentType: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const traceContextOf = async (app: TestApp, personId: string): Promise<string | null> => {
  const sql = `SELECT trace_context FROM city.outbox WHERE aggregate_id = $1 AND type = 'person.registered'`;
  const [row] = await app.container.subgraphs.city.dataSource.query(sql, [personId]);
  return row.trace_context;
};

/** Waits (bounded) until the person's registration event was handled. */
async function eventHandledFor(app: TestApp, personId: string): Promise<void> {
  const sql = `SELECT acked_at FROM city.outbox WHERE aggregate_id = $1`;
  await eventually(async () => (await app.container.subgraphs.city.dataSource.query(sql, [personId]))[0]?.acked_at);
}

describe('OTLP export', () => {
  it('derives the traces URL as the OpenTelemetry specification does, and refuses what is no http(s) URL', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.endpoint).toBe(
      'http://collector:4318/v1/traces',
    );
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318/', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/t' };
    expect(loadConfig(both).tracing.endpoint).toBe('https://b/t');
    expect(loadConfig({}).tracing).toEqual({ endpoint: undefined, serviceName: undefined });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must use http: or https:/,
    );
  });

  // Through the built program: the exporter loads node:http by a dynamic import, which Jest's VM does not run.
  it('a `lotse worker` sends its spans to a configured endpoint (/v1/traces) as lotse-worker, flushed on SIGTERM', async () => {
    requireBuild();
    const collector = await startCollector();
    const app = await startTestApp({ workers: false });
    const workers = new WorkerProcesses(app, REDIS_URL, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
    });
    try {
      await workers.start();
      const personId = await registerPersonViaApi(app, 'rheine-social');
      await eventHandledFor(app, personId);
      // Spans wait in the batch (5 s); stopping exports them.
      const stopped = await workers.started[0].stop('SIGTERM', 20_000);
      expect(stopped.code).toBe(0);
      const sent = collector.received.filter((r) => r.body.includes('event.handle'));
      expect(sent).not.toHaveLength(0);
      expect(sent[0].path).toBe('/v1/traces');
      expect(sent[0].contentType).toMatch(/application\/json/);
      const body = JSON.parse(sent[0].body);
      expect(body.resourceSpans[0].resource.attributes).toContainEqual({
        key: 'service.name',
        value: { stringValue: 'lotse-worker' },
      });
      const spans = body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
      const handle = spans.find((s: any) => s.name === 'event.handle');
      expect(handle.attributes).toContainEqual({
        key: 'lotse.event.type',
        value: { stringValue: 'person.registered' },
      });
      expect(spans.map((s: any) => s.name)).toEqual(expect.arrayContaining(['outbox.publish', 'event.consumer']));
    } finally {
      await workers.killAll();
      await app.stop();
      await collector.close();
    }
  });

  it('is off by default: no span recorded, nothing sent (not even to the OTLP default port), no trace context stored', async () => {
    // The exporter's default would be localhost:4318: listen there, where the port is free.
    const collector = await startCollector(4318).catch(() => undefined);
    const app = await startTestApp({ workers: true });
    try {
      expect(app.container.tracing.enabled).toBe(false);
      expect(app.container.tracing.traceparent()).toBeUndefined();
      const personId = await registerPersonViaApi(app, 'rheine-social');
      // Handled by the events worker (relay, job, consumers), then flushed and closed below.
      await eventHandledFor(app, personId);
      expect(await traceContextOf(app, personId)).toBeNull();
      const job = (await app.container.queues.events.getJobs(['completed'])).find((j) => j.data.eventId);
      expect(job?.data.traceparent).toBeUndefined();
      await app.container.tracing.flush();
    } finally {
      await app.stop();
    }
    if (collector) {
      expect(collector.received).toEqual([]);
      await collector.close();
    }
  });
});
