import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/container';
import { DevKey, loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { seedPartners } from '../../src/seed/partners.seed';
import { RunningServer, startGatewayServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';
import { newRedis, RedisTarget } from '../../src/shared/redis';
import { keyPatterns } from '../../src/shared/redis.keys';
import { Clock } from '../../src/shared/time';
import { RunningWorkers, startWorkers } from '../../workers';
import { REDIS_URL } from '../setup/pg';
import { createTestDatabase, TestDatabase } from './db';

export interface TestApp {
  url: string;
  container: Container;
  devKey: DevKey;
  db: TestDatabase;
  queuePrefix: string;
  /** LOTSE_INTERNAL_SECRET of this app: a process started beside it needs the same (e.g. to read webhook secrets). */
  internalSecret: string;
  workers?: RunningWorkers;
  server?: RunningServer;
  token(partner: string, scopes?: string[]): Promise<string>;
  /** POST /graphql as a partner; returns the parsed body and the HTTP status. */
  /** `purpose` is sent as the Lotse-Purpose header; without it the partner's default purpose applies. */
  gql<T = any>(
    partner: string | null,
    query: string,
    variables?: Record<string, unknown>,
    opts?: { purpose?: string },
  ): Promise<{ status: number; body: { data?: T; errors?: any } }>;
  startWorkers(): Promise<RunningWorkers>;
  stop(): Promise<void>;
}

/**
 * A real hub for one test file: its own database cloned from the template, its own Redis key
 * prefix, the demo partners, the gateway on a free port. Nothing is mocked.
 */
export async function startTestApp(
  opts: {
    workers?: boolean;
    gateway?: boolean;
    env?: Record<string, string>;
    clock?: Clock;
    /** A Redis of the test's own (fault tests), or Sentinels that name one; default the shared one. */
    redisUrl?: RedisTarget;
    /** A migrated database of the test's own (fault tests: a cluster it stops); default a clone of the template. */
    db?: TestDatabase;
    /** Spans of this app go here (e.g. an InMemorySpanExporter): tracing on without an OTLP endpoint. */
    traceExporter?: SpanExporter;
  } = {},
): Promise<TestApp> {
  const db = opts.db ?? (await createTestDatabase());
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const queuePrefix = `lotse-test-${crypto.randomBytes(4).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-test-'));
  const config = loadConfig({
    LOTSE_ENV: 'test',
    DATABASE_URL: db.url,
    ...redisEnv(redisUrl),
    LOTSE_QUEUE_PREFIX: queuePrefix,
    LOTSE_DATA_DIR: dataDir,
    DB_POOL_SIZE: '3',
    OUTBOX_RELAY_INTERVAL_MS: '100',
    HOST: '127.0.0.1',
    PORT: '0',
    // The machine's database user is a superuser, which bypasses row-level security: act as the app role.
    DATABASE_APP_ROLE: 'lotse_app',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // One per app, so processes a test starts next to it (workers, subgraphs) can share it.
    LOTSE_INTERNAL_SECRET: crypto.randomBytes(32).toString('base64url'),
    ...opts.env,
  });
  const container = await createContainer(config, {
    databaseUrl: db.url,
    redisUrl,
    clock: opts.clock,
    log: createLogger(config.logLevel),
    traceExporter: opts.traceExporter,
  });
  await seedPartners(container);
  const devKey = await loadOrCreateDevKey(dataDir);
  const server =
    opts.gateway === false ? undefined : await startGatewayServer(container, { port: 0, host: '127.0.0.1', devKey });
  let workers: RunningWorkers | undefined;

  const app: TestApp = {
    url: server?.url ?? '',
    container,
    devKey,
    db,
    queuePrefix,
    internalSecret: config.internalSecret!,
    server,
    async token(partner, scopes) {
      const row = await container.subgraphs.hub.services.partners.findBySlug(partner);
      return signDevToken(devKey, config.auth.issuer, config.auth.audience, {
        partner,
        scopes: scopes ?? row?.scopes ?? [],
      });
    },
    async gql(partner, query, variables, opts) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      };
      if (partner) headers.authorization = `Bearer ${await app.token(partner)}`;
      if (opts?.purpose) headers['lotse-purpose'] = opts.purpose;
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    async startWorkers() {
      workers = await startWorkers(container);
      app.workers = workers;
      return workers;
    },
    async stop() {
      await server?.close();
      await workers?.close();
      await flushPrefix(queuePrefix, redisUrl);
      await container.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.workers) await app.startWorkers();
  return app;
}

/** REDIS_URL, or REDIS_SENTINELS and its companions, as an operator would set them. */
function redisEnv(target: RedisTarget): Record<string, string> {
  if (typeof target === 'string') return { REDIS_URL: target };
  const { sentinels, name, password } = target.sentinel;
  return {
    ...(target.url ? { REDIS_URL: target.url } : {}),
    REDIS_SENTINELS: sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    REDIS_SENTINEL_NAME: name,
    ...(password ? { REDIS_SENTINEL_PASSWORD: password } : {}),
  };
}

/** Deletes every key of one test file's prefix, queues' `{prefix}:` included (the machine's Redis is shared). */
export async function flushPrefix(prefix: string, url: RedisTarget = REDIS_URL): Promise<void> {
  const redis = newRedis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of keyPatterns(prefix)) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        // One DEL per key: a Redis Cluster refuses keys of several slots in one command.
        if (keys.length) await keys.reduce((p, k) => p.del(k), redis.pipeline()).exec();
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** Polls until `fn` returns a truthy value; bounded. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
