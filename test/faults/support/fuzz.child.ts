import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildClientSchema, getIntrospectionQuery, GraphQLSchema } from 'graphql';
import { loadOrCreateDevKey, signDevToken } from '../../../src/gateway/dev-key';
import { freePort } from '../../../src/runtime/free-port';
import { RedisHandle, startRedisServer } from '../../../src/runtime/redis-server';
import { TestApp } from '../../helpers/app';
import { LotseProcess, ROOT } from '../../helpers/lotse-process';

/** `lotse serve` (the built program) on the test app's database, with a Redis of its own. */
export interface ServeChild {
  proc: LotseProcess;
  url: string;
  tokens: Map<string, string>;
  /** POST /graphql with a raw body; never throws (a network failure is status 0). */
  post(partner: string, body: string): Promise<{ status: number; text: string }>;
  schema(): Promise<GraphQLSchema>;
  /** `lotse_nodejs_heap_size_used_bytes` from /metrics. */
  heapUsed(): Promise<number>;
  /** Asks the child for a full garbage collection (SIGUSR2, see GC_ON_SIGNAL). */
  collectGarbage(): void;
  stop(): Promise<void>;
}

/**
 * Loaded into the child with --require (test only): SIGUSR2 runs a full collection, so the test
 * reads the heap that is really kept, not garbage V8 has not collected yet.
 */
const GC_ON_SIGNAL = `process.on('SIGUSR2', () => global.gc && global.gc());\n`;

const ISSUER = 'urn:lotse:dev';
const AUDIENCE = 'urn:lotse:api';

export async function startServeChild(
  app: TestApp,
  partners: string[],
  env: Record<string, string>,
): Promise<ServeChild> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-fuzz-'));
  let redis: RedisHandle | undefined;
  let proc: LotseProcess | undefined;
  const killChild = () => proc?.child.kill('SIGKILL');
  process.once('exit', killChild);
  const stop = async () => {
    await proc?.kill(10_000);
    await redis?.stop();
    process.removeListener('exit', killChild);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    redis = await startRedisServer(dir, () => undefined);
    // The child reads the same dev key from its data dir, so the tokens signed here are valid there.
    const devKey = await loadOrCreateDevKey(dir);
    const gcOnSignal = path.join(dir, 'gc-on-signal.js');
    fs.writeFileSync(gcOnSignal, GC_ON_SIGNAL);
    const port = await freePort();
    proc = new LotseProcess([path.join(ROOT, 'bin', 'lotse.js'), 'serve'], {
      PATH: process.env.PATH,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: app.db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL: redis.url,
      LOTSE_DATA_DIR: dir,
      LOTSE_INTERNAL_SECRET: app.internalSecret,
      LOTSE_DEMO_SEED: 'false',
      NODE_OPTIONS: `--expose-gc --require ${gcOnSignal}`,
      ...env,
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (!proc.running || Date.now() > deadline)
        throw new Error(`lotse serve did not answer /healthz (${proc.describeExit()}):\n${proc.tail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const tokens = new Map<string, string>();
    for (const slug of partners) {
      const row = await app.container.subgraphs.hub.services.partners.findBySlug(slug);
      tokens.set(slug, await signDevToken(devKey, ISSUER, AUDIENCE, { partner: slug, scopes: row?.scopes ?? [] }));
    }
    const post = async (partner: string, body: string) => {
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            authorization: `Bearer ${tokens.get(partner)}`,
          },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, text: await res.text() };
      } catch (err) {
        return { status: 0, text: `no answer: ${(err as Error).message}` };
      }
    };
    return {
      proc,
      url,
      tokens,
      post,
      async schema() {
        const res = await post(partners[0], JSON.stringify({ query: getIntrospectionQuery() }));
        return buildClientSchema(JSON.parse(res.text).data);
      },
      async heapUsed() {
        const text = await (await fetch(`${url}/metrics`)).text();
        const m = /^lotse_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
        if (!m) throw new Error('no lotse_nodejs_heap_size_used_bytes in /metrics');
        return Number(m[1]);
      },
      collectGarbage: () => proc?.child.kill('SIGUSR2'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
