import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../../../src/config';
import { DevKey, loadOrCreateDevKey, signDevToken } from '../../../src/gateway/dev-key';
import { freePort } from '../../../src/runtime/free-port';
import { createTestDatabase, TestDatabase } from '../../helpers/db';
import { LotseProcess } from '../../helpers/lotse-process';
import { flushPrefix } from '../../helpers/app';
import { asSuperuser } from '../../helpers/superuser';
import { REDIS_URL } from '../../setup/pg';
import { FAST_WEBHOOKS } from '../../webhooks/fixtures';
import { CLI, requireBuild } from '../../faults/support/worker.process';

/**
 * A split deployment of the built program, every part its own OS process: the four subgraphs
 * (`lotse subgraph NAME --port P`), `gateways` gateways (`lotse gateway` reaching the subgraphs
 * through LOTSE_SUBGRAPH_URLS) and `workers` workers (`lotse worker`), over one test database and
 * the shared Redis under a prefix of their own. Every process is killed in `stop()`, also when
 * start-up failed half-way, and on the runner's exit.
 */
export interface ProcessTopology {
  db: TestDatabase;
  queuePrefix: string;
  gateways: Array<{ url: string; process: LotseProcess }>;
  workers: LotseProcess[];
  all: LotseProcess[];
  token(partner: string): Promise<string>;
  stop(): Promise<void>;
}

/** Quiet and quick: webhooks to loopback with short retries, no rule checks or retention of their own. */
const ENV = {
  ...FAST_WEBHOOKS,
  RULES_ENABLED: 'none',
  RETENTION_ENABLED: 'false',
  AUDIT_CHECKPOINT_EVERY_MINUTES: '0',
  OUTBOX_RELAY_INTERVAL_MS: '200',
  DB_POOL_SIZE: '4',
};

export async function startProcessTopology(opts: { gateways: number; workers: number }): Promise<ProcessTopology> {
  requireBuild();
  const all: LotseProcess[] = [];
  const killAll = () => all.forEach((p) => p.running && p.child.kill('SIGKILL'));
  process.once('exit', killAll);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-topology-'));
  const queuePrefix = `lotse-topo-${crypto.randomBytes(4).toString('hex')}`;
  let db: TestDatabase | undefined;
  const stop = async () => {
    await Promise.all(all.map((p) => p.kill(10_000)));
    process.removeListener('exit', killAll);
    await flushPrefix(queuePrefix).catch(() => undefined);
    await db?.drop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    db = await createTestDatabase();
    // Every process signs and checks with the same keys: the development key in the shared data dir.
    const devKey: DevKey = await loadOrCreateDevKey(dataDir);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...ENV,
      LOTSE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      DATABASE_APP_ROLE: 'lotse_app',
      REDIS_URL,
      LOTSE_QUEUE_PREFIX: queuePrefix,
      LOTSE_DATA_DIR: dataDir,
      LOTSE_DEMO_SEED: 'false',
      LOTSE_INTERNAL_SECRET: crypto.randomBytes(32).toString('base64url'),
    };
    const spawn = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const p = new LotseProcess([CLI, ...args], { ...env, ...extra });
      all.push(p);
      return p;
    };

    const subgraphs = await Promise.all(
      SUBGRAPH_NAMES.map(async (name) => {
        const port = await freePort();
        const p = spawn(['subgraph', name, '--port', String(port)]);
        await p.waitForLine(`subgraph ${name} listening`, 90_000);
        return `${name}=http://127.0.0.1:${port}/graphql`;
      }),
    );
    const gateways = await Promise.all(
      Array.from({ length: opts.gateways }, async () => {
        const port = await freePort();
        const p = spawn(['gateway'], { PORT: String(port), LOTSE_SUBGRAPH_URLS: subgraphs.join(',') });
        await p.waitForLine('Lotse is listening', 90_000);
        return { url: `http://127.0.0.1:${port}`, process: p };
      }),
    );
    const workers = await Promise.all(
      Array.from({ length: opts.workers }, async () => {
        // Each serves /healthz, /readyz and /metrics on a port of its own.
        const p = spawn(['worker'], { WORKER_PORT: String(await freePort()) });
        await p.waitForLine('workers started', 90_000);
        return p;
      }),
    );

    const tokens = new Map<string, Promise<string>>();
    const scopesOf = async (partner: string): Promise<string[]> =>
      asSuperuser(db!.url, async (c) => {
        const { rows } = await c.query('SELECT scopes FROM hub.partner WHERE slug = $1', [partner]);
        return rows[0]?.scopes ?? [];
      });
    return {
      db,
      queuePrefix,
      gateways,
      workers,
      all,
      token(partner) {
        if (!tokens.has(partner))
          tokens.set(
            partner,
            scopesOf(partner).then((scopes) =>
              signDevToken(devKey, 'urn:lotse:dev', 'urn:lotse:api', { partner, scopes }),
            ),
          );
        return tokens.get(partner)!;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
