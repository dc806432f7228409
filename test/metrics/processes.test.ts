import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../helpers/app';
import { LotseProcess, ROOT } from '../helpers/lotse-process';
import { parseExposition, valueOf } from '../helpers/prometheus';
import { REDIS_URL } from '../setup/pg';

/**
 * The built program (`npm run build` first): `lotse worker` answers /healthz, /readyz and /metrics
 * on WORKER_PORT (0: a free one), and a subgraph process serves its own /metrics.
 */
describe('metrics of worker and subgraph processes', () => {
  let app: TestApp;
  let dataDir: string;
  const processes: LotseProcess[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
      throw new Error('run `npm run build` first: this test starts dist/src/cli.js');
    app = await startTestApp({ gateway: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-metrics-'));
  });
  afterAll(async () => {
    for (const p of processes) await p.kill(5000);
    await app?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (args: string[], env: Record<string, string> = {}) => {
    const p = new LotseProcess([path.join(ROOT, 'bin', 'lotse.js'), ...args], {
      PATH: process.env.PATH,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      HOST: '127.0.0.1',
      ...env,
    });
    processes.push(p);
    return p;
  };
  /** The `url` field of the JSON log line that says `msg`. */
  const listeningAt = async (p: LotseProcess, msg: string) =>
    JSON.parse(await p.waitForLine((l) => l.includes(`"msg":"${msg}"`), 60_000, msg)).url as string;

  it('lotse worker serves /healthz, /readyz and /metrics on WORKER_PORT', async () => {
    // A job no worker takes for an hour: the worker's gauge reads it from Redis.
    const sla = app.container.queues.sla as unknown as { add(n: string, d: object, o: object): Promise<unknown> };
    await sla.add('metrics-probe', {}, { delay: 3_600_000 });
    const worker = start(['worker'], { WORKER_PORT: '0' });
    const url = await listeningAt(worker, 'worker listening');
    expect(url).not.toMatch(/:9464$/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } });
    expect((await fetch(`${url}/graphql`)).status).toBe(404);

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const metrics = parseExposition(await res.text());
    expect(valueOf(metrics, 'lotse_queue_jobs', { queue: 'sla', state: 'delayed' })).toBe(1);
    for (const [family, type] of [
      ['lotse_queue_jobs', 'gauge'],
      ['lotse_dead_letters', 'gauge'],
      ['lotse_outbox_lag_seconds', 'gauge'],
      ['lotse_outbox_unacknowledged', 'gauge'],
      ['lotse_webhook_deliveries_dead', 'gauge'],
      ['lotse_webhook_attempts_total', 'counter'],
      ['lotse_webhook_attempt_duration_seconds', 'histogram'],
      ['lotse_audit_append_seconds', 'histogram'],
      ['lotse_process_cpu_seconds_total', 'counter'],
    ])
      expect([family, metrics.types.get(family)]).toEqual([family, type]);
    expect(valueOf(metrics, 'lotse_outbox_lag_seconds', { source: 'hub' })).toBeGreaterThanOrEqual(0);

    expect(await worker.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
  });

  it('a subgraph process serves its own /metrics, without the cluster-wide gauges', async () => {
    const city = start(['subgraph', 'city', '--port', '0']);
    const url = new URL(await listeningAt(city, 'subgraph city listening'));
    const res = await fetch(`${url.origin}/metrics`);
    expect(res.status).toBe(200);
    const metrics = parseExposition(await res.text());
    expect(metrics.types.get('lotse_audit_append_seconds')).toBe('histogram');
    expect(metrics.types.has('lotse_queue_jobs')).toBe(false);
    await city.stop('SIGTERM', 30_000);
  });
});
