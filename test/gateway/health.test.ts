import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../src/config';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { startTestApp, TestApp } from '../helpers/app';

describe('operations endpoints', () => {
  let app: TestApp;
  // A Redis of its own: one test switches the eviction policy, which would make any lotse process
  // that other test files start meanwhile on the shared Redis refuse to start.
  let redis: RedisHandle;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-health-'));
    redis = await startRedisServer(dataDir, () => undefined);
    app = await startTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('/healthz answers without a token', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz checks PostgreSQL and that Redis will not evict queue data', async () => {
    const res = await fetch(`${app.url}/readyz`);
    const body = (await res.json()) as any;
    expect(body.checks.postgres).toEqual({ ok: true });
    const [, policy] = (await app.container.redis.config('GET', 'maxmemory-policy')) as string[];
    expect(body.checks.redis.ok).toBe(policy === 'noeviction');
    expect(res.status).toBe(policy === 'noeviction' ? 200 : 503);
  });

  it('/readyz reports an evicting Redis as not ready', async () => {
    const [, before] = (await app.container.redis.config('GET', 'maxmemory-policy')) as string[];
    await app.container.redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as any).checks.redis).toEqual({
        ok: false,
        detail: 'maxmemory-policy is allkeys-lru, must be noeviction',
      });
    } finally {
      await app.container.redis.config('SET', 'maxmemory-policy', before);
    }
  });

  it('/metrics speaks Prometheus and counts operations', async () => {
    await app.gql('rheine-social', '{ persons(first: 1) { totalCount } }');
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toContain('lotse_graphql_operation_seconds_count{type="query",outcome="ok"}');
    expect(text).toContain('lotse_http_requests_total');
  });

  it('echoes a valid request id and makes one up otherwise', async () => {
    const mine = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'req-12345678' } });
    expect(mine.headers.get('x-request-id')).toBe('req-12345678');
    const bad = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'x' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects oversized bodies and batched requests; GET cannot mutate', async () => {
    const token = await app.token('rheine-social');
    const big = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ persons { totalCount } } # ${'x'.repeat(110 * 1024)}` }),
    });
    expect(big.status).toBe(413);
    const batch = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ viewer { subject } }' }, { query: '{ viewer { subject } }' }]),
    });
    expect(batch.status).toBe(400);
    const q = encodeURIComponent(
      'mutation { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076" }) { id } }',
    );
    const get = await fetch(`${app.url}/graphql?query=${q}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);
  });
});

describe('configuration', () => {
  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOTSE_ENV: 'production', LOTSE_SUBGRAPH_URLS: 'nope' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'LOTSE_INTERNAL_SECRET', 'AUTH_JWKS_URL', 'LOTSE_SUBGRAPH_URLS'])
        expect(problems).toContain(name);
    }
  });

  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 4000,
      databaseUrl: undefined,
      redisUrl: undefined,
      workers: true,
      seedDemoOnFirstStart: true,
      auth: { devKey: true },
    });
  });
});
