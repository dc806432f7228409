import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import WebSocket from 'ws';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { acceptsConnections, LotseProcess, ROOT } from '../helpers/lotse-process';
import { createReferral, createWebhookEndpoint, registerPerson } from '../factories';
import { FAST_WEBHOOKS, personReferredToVhsAt } from '../webhooks/fixtures';
import { loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { freePort } from '../../src/runtime/free-port';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { adminSession, requireBuild, WorkerProcesses } from './support/worker.process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A webhook receiver that holds every request until `release()`; afterwards it answers at once. */
async function holdingReceiver() {
  const held: http.ServerResponse[] = [];
  const ids: string[] = [];
  let holding = true;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['webhook-id']));
      if (holding) held.push(res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    ids,
    held: () => held.length,
    release() {
      holding = false;
      for (const res of held.splice(0)) res.writeHead(204).end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once the process has exited (bounded), without sending it anything. */
const exited = (p: LotseProcess, ms: number) => eventually(async () => !p.running, ms, 20);

describe('graceful shutdown', () => {
  let dir: string;
  let redis: RedisHandle;
  let app: TestApp;
  let admin: Client;
  let workers: WorkerProcesses;
  let receiver: Awaited<ReturnType<typeof holdingReceiver>>;
  const serves: LotseProcess[] = [];

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-shutdown-'));
    redis = await startRedisServer(dir, () => undefined);
    app = await startTestApp({ workers: false, redisUrl: redis.url, env: FAST_WEBHOOKS });
    admin = await adminSession(app);
    receiver = await holdingReceiver();
    // Held requests must not time out; at most 4 in flight to the endpoint. Every worker of a queue
    // shares one stalled-job check, throttled to its interval: all get the same short lock.
    workers = new WorkerProcesses(app, redis.url, {
      ...FAST_WEBHOOKS,
      WEBHOOK_TIMEOUT_MS: '30000',
      WEBHOOK_ENDPOINT_CONCURRENCY: '4',
      WEBHOOK_LOCK_DURATION_MS: '2000',
    });
  });
  afterAll(async () => {
    await workers?.killAll();
    for (const s of serves) await s.kill(5000);
    await receiver?.close();
    await admin?.end();
    await app?.stop();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('F7: a worker on SIGTERM stops its relay, takes no new job, finishes the running ones and exits 0; the next does the rest', async () => {
    const personId = await personReferredToVhsAt(app, receiver.url);
    const first = await workers.start();
    const referrals: string[] = [];
    for (let i = 0; i < 12; i++) referrals.push((await createReferral(app, 'jobcenter-steinfurt', { personId })).id);
    // Four deliveries in flight, held by the receiver; the other eight wait for a slot.
    await eventually(async () => receiver.held() === 4, 20_000, 20);

    first.child.kill('SIGTERM');
    const termAt = Date.now();
    await first.waitForLine('shutting down', 5000);
    // Committed now, this referral's events stay in the outbox: the relay has stopped.
    const late = await createReferral(app, 'jobcenter-steinfurt', { personId });
    referrals.push(late.id);
    await sleep(1000);
    expect(first.running).toBe(true); // still draining: its four requests are open
    const lateEvents = (await admin.query('SELECT id FROM hub.outbox WHERE aggregate_id = $1', [late.id])).rows;
    expect(lateEvents.length).toBeGreaterThan(0);
    for (const e of lateEvents) expect(await app.container.queues.events.getJob(e.id)).toBeUndefined();

    const releasedAt = Date.now();
    receiver.release();
    await exited(first, 10_000);
    const drainMs = Date.now() - releasedAt;
    const termToExitMs = Date.now() - termAt;
    expect(first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.some((l) => l.includes('"msg":"workers stopped"'))).toBe(true);
    // No job was taken after the signal: the receiver saw the four requests, each recorded as answered.
    expect(receiver.ids).toHaveLength(4);
    const succeeded = await admin.query(`SELECT id FROM hub.webhook_delivery WHERE status = 'succeeded'`);
    expect(succeeded.rows.map((r) => r.id).sort()).toEqual([...receiver.ids].sort());

    const second = await workers.start();
    const upAt = Date.now();
    await eventually(async () => receiver.ids.length >= referrals.length, 30_000, 50);
    const restMs = Date.now() - upAt;
    await sleep(500); // a duplicate, were there one, would arrive now
    // Every referral's webhook once: the in-flight ones were finished, not abandoned and sent again.
    expect(new Set(receiver.ids).size).toBe(referrals.length);
    expect(receiver.ids).toHaveLength(referrals.length);
    const perReferral = await admin.query(
      `SELECT referral_id FROM hub.webhook_delivery WHERE status = 'succeeded' AND referral_id = ANY($1)`,
      [referrals],
    );
    expect(perReferral.rows.map((r) => r.referral_id).sort()).toEqual([...referrals].sort());
    console.log(
      `F7a: SIGTERM to exit ${termToExitMs} ms (in-flight held ${releasedAt - termAt} ms, exit ${drainMs} ms after release); next worker delivered the other ${referrals.length - 4} in ${restMs} ms`,
    );
    await second.stop('SIGTERM', 10_000);
  });

  it('F7: a worker whose job outlasts SHUTDOWN_TIMEOUT_MS exits anyway (logged), and the job is taken over with the same webhook-id', async () => {
    const personId = (await registerPerson(app, 'rheine-social', { givenName: 'Lina', familyName: 'Haddad' })).id;
    const before = receiver.ids.length;
    // The receiver holds again; the worker gives up on shutdown after 1 s, its job's lock runs out after 2 s.
    const held = await holdingReceiver();
    await admin.query('UPDATE hub.webhook_endpoint SET enabled = false');
    await createWebhookEndpoint(app, 'vhs-rheine', { url: held.url, eventTypes: ['referral.requested'] });
    try {
      // The cut attempt is given up after WEBHOOK_TIMEOUT_MS; only then is the delivery sent again.
      const env = { SHUTDOWN_TIMEOUT_MS: '1000', WEBHOOK_TIMEOUT_MS: '4000' };
      const first = await workers.start(env);
      await createReferral(app, 'jobcenter-steinfurt', { personId });
      await eventually(async () => held.held() === 1, 20_000, 20);
      const termAt = Date.now();
      first.child.kill('SIGTERM');
      await exited(first, 10_000);
      const exitMs = Date.now() - termAt;
      expect(first.exit).toEqual({ code: 1, signal: null });
      expect(first.lines.some((l) => l.includes('shutdown timeout: jobs still running'))).toBe(true);
      expect(exitMs).toBeLessThan(5000);

      held.release();
      await workers.start(env);
      const upAt = Date.now();
      await eventually(async () => held.ids.length >= 2, 30_000, 50);
      console.log(`F7a: the abandoned delivery was sent again ${Date.now() - upAt} ms after the next worker was up`);
      expect(held.ids[1]).toBe(held.ids[0]);
      console.log(`F7a: with SHUTDOWN_TIMEOUT_MS=1000 the worker exited ${exitMs} ms after SIGTERM (code 1)`);
    } finally {
      await held.close();
    }
    expect(receiver.ids.length).toBe(before);
  });

  it('lotse serve on SIGTERM: no new connections, in-flight requests finish, keep-alive sockets close, subscribers get 1001, a stuck request is cut after SHUTDOWN_TIMEOUT_MS', async () => {
    const port = await freePort();
    const dataDir = path.join(dir, 'serve');
    fs.mkdirSync(dataDir, { recursive: true });
    const devKey = await loadOrCreateDevKey(dataDir);
    const serve = new LotseProcess([path.join(ROOT, 'dist', 'src', 'main.js')], {
      ...process.env,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL: redis.url,
      LOTSE_QUEUE_PREFIX: app.queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      LOTSE_DEMO_SEED: 'false',
      SHUTDOWN_TIMEOUT_MS: '4000',
    });
    serves.push(serve);
    await serve.waitForLine('Lotse is listening on', 60_000);
    const base = `http://127.0.0.1:${port}`;
    const vhs = await app.container.subgraphs.hub.services.partners.findBySlug('vhs-rheine');
    const token = await signDevToken(devKey, 'urn:lotse:dev', 'urn:lotse:api', {
      partner: 'vhs-rheine',
      scopes: vhs!.scopes,
    });

    // A subscriber, acknowledged and subscribed.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const wsClosed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
      );
      ws.on('message', (data) => {
        const text = (data as Buffer).toString('utf8');
        if (JSON.parse(text).type !== 'connection_ack') return reject(new Error(text));
        ws.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: 'subscription { referralUpdated { type } }' },
          }),
        );
        resolve();
      });
    });
    await sleep(200);

    // An idle keep-alive connection.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let keepAliveClosed = false;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('socket', (s) => s.once('close', () => (keepAliveClosed = true)));
      req.on('error', reject);
    });

    // Two requests in flight: their bodies arrive in parts. One is finished after the signal, one never.
    const body = JSON.stringify({ query: '{ __typename }' });
    const inFlight = () => {
      const req = http.request(`${base}/graphql`, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      });
      const answer = new Promise<{ status?: number; connection?: string; body: string } | { error: string }>(
        (resolve) => {
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body: text }));
          });
          req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
        },
      );
      req.write(body.slice(0, 10));
      return { req, answer };
    };
    const finishing = inFlight();
    const stuck = inFlight();
    await sleep(300);

    const termAt = Date.now();
    serve.child.kill('SIGTERM');
    await serve.waitForLine('shutting down', 5000);
    await sleep(500);
    expect(await acceptsConnections(port)).toBe(false);
    expect(await wsClosed).toEqual({ code: 1001, reason: 'Going away' });
    expect(keepAliveClosed).toBe(true);
    expect(serve.running).toBe(true);

    finishing.req.end(body.slice(10));
    const finished = await finishing.answer;
    expect(finished).toMatchObject({ status: 200, connection: 'close' });
    expect(JSON.parse((finished as { body: string }).body)).toEqual({ data: { __typename: 'Query' } });

    await exited(serve, 15_000);
    const exitMs = Date.now() - termAt;
    expect(await stuck.answer).toEqual({ error: 'ECONNRESET' });
    expect(serve.exit).toEqual({ code: 0, signal: null });
    expect(serve.lines.some((l) => l.includes('shutdown timeout: open HTTP connections are cut'))).toBe(true);
    expect(serve.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    expect(exitMs).toBeGreaterThanOrEqual(4000);
    expect(exitMs).toBeLessThan(10_000);
    agent.destroy();
    console.log(`serve: SIGTERM to exit ${exitMs} ms with a request stuck (SHUTDOWN_TIMEOUT_MS=4000)`);
  });
});
