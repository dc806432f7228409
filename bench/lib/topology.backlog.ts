import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createContainer } from '../../src/container';
import { systemActor } from '../../src/shared/actor';
import { createLogger } from '../../src/shared/logger';
import { admin, BENCH_POSTGRES_URL, BENCH_REDIS_URL, deleteRedisPrefix } from './pipeline.instance';
import { pool } from './pipeline.stats';
import type { BenchContext } from './types';

const run = promisify(execFile);

export const OUTBOXES = ['city', 'jobcenter', 'courses', 'hub'] as const;

export function databaseUrl(database: string): string {
  const u = new URL(BENCH_POSTGRES_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A database with `events` unacknowledged person registrations in its outbox, to clone per run. */
export interface Backlog {
  template: string;
  events: number;
  /** The environment of `lotse worker` on a clone (database and prefix added per run). */
  env: NodeJS.ProcessEnv;
}

/**
 * Migrates a database, applies the demo city's configuration (`lotse apply`) and registers
 * `persons` persons through the city's service, as the advice team would (each registration
 * commits its outbox event); no relay runs meanwhile, so every event waits. The database is then
 * the template every round clones (CREATE DATABASE … TEMPLATE: the same backlog each time).
 */
export async function buildBacklog(
  ctx: BenchContext,
  persons: number,
  webhooks?: { receiverUrl: string; maxConcurrency: number },
): Promise<Backlog> {
  const template = `lotse_bench_topo_${process.pid}${webhooks ? 'w' : ''}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-bench-topo-'));
  const queuePrefix = `benchtopo${process.pid}`;
  ctx.defer(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  ctx.defer(async () => void (await admin((c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`))));
  ctx.defer(async () => void (await deleteRedisPrefix(queuePrefix)));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOTSE_ENV: 'development',
    LOG_LEVEL: 'warn',
    REDIS_URL: BENCH_REDIS_URL,
    LOTSE_DATA_DIR: dataDir,
    LOTSE_INTERNAL_SECRET: crypto.randomBytes(32).toString('base64url'),
    DATABASE_APP_ROLE: 'lotse_app',
    LOTSE_DEMO_SEED: 'false',
    // What a new person sets off: biography, identifiers, indicator facts, rule checks.
    RETENTION_ENABLED: 'false',
    // The webhook scenario's receiver listens on loopback.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    AUDIT_CHECKPOINT_EVERY_MINUTES: '0',
  };
  const url = databaseUrl(template);
  await admin((c) => c.query(`CREATE DATABASE "${template}"`));
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/lotse.js', ...args], {
      cwd: ctx.root,
      env: { ...env, DATABASE_URL: url, LOTSE_QUEUE_PREFIX: queuePrefix },
    });
  await cli('migrate');
  await cli('apply', '-f', path.join('examples', 'rheine', 'city.yaml'));

  const config = loadConfig({ ...env, DATABASE_URL: url, LOTSE_QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'silent' });
  const container = await createContainer(config, {
    databaseUrl: url,
    redisUrl: BENCH_REDIS_URL,
    log: createLogger('silent'),
  });
  try {
    const actor = { ...systemActor(), partner: 'rheine-social' };
    const persons$ = container.subgraphs.city.services.persons;
    const hub = container.subgraphs.hub.services;
    if (webhooks)
      await container.rowSecurity.system('bench', () =>
        hub.webhooks.create(
          { ...systemActor(), partner: 'vhs-rheine' },
          { url: webhooks.receiverUrl, eventTypes: ['referral.requested'], maxConcurrency: webhooks.maxConcurrency },
        ),
      );
    const started = Date.now();
    await pool(8, persons, async (i) => {
      await container.rowSecurity.system('bench', async () => {
        const person = await persons$.register(actor, {
          givenName: 'Amal',
          familyName: `Backlog${i}`,
          birthDate: new Date(Date.UTC(1960, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
          municipalityKey: '05566076',
          ...(webhooks && {
            address: { street: 'Emsstraße', houseNumber: '3', postalCode: '48431', locality: 'Rheine' },
          }),
        });
        // The jobcenter refers each person to the VHS: one webhook delivery per referral.
        if (webhooks)
          await hub.referrals.create(
            { ...systemActor(), partner: 'jobcenter-steinfurt' },
            {
              personId: person.id,
              receiver: 'vhs-rheine',
              purpose: 'integration_course_referral',
              referralType: 'integration_course',
              send: true,
            },
          );
      });
    });
    ctx.log(
      `backlog: ${persons} persons registered${webhooks ? ' and referred to the VHS' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await container.close();
  }
  const events = await unacked(url);
  return { template, events, env };
}

/** Outbox rows not yet acknowledged, over every schema. */
export async function unacked(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const sql = OUTBOXES.map((s) => `(SELECT count(*) FROM ${s}.outbox WHERE acked_at IS NULL)`).join(' + ');
    return Number((await c.query(`SELECT ${sql} AS n`)).rows[0].n);
  } finally {
    await c.end();
  }
}

/** Marks every waiting row as published (`now`) or not (`null`): the relays take only the latter. */
export async function setPublished(url: string, value: 'now()' | 'NULL'): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of OUTBOXES) await c.query(`UPDATE ${s}.outbox SET published_at = ${value} WHERE acked_at IS NULL`);
  } finally {
    await c.end();
  }
}

/** Webhook deliveries that succeeded (the delivery scenario is drained when all have). */
export async function deliveredWebhooks(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number(
      (await c.query(`SELECT count(*) AS n FROM hub.webhook_delivery WHERE status = 'succeeded'`)).rows[0].n,
    );
  } finally {
    await c.end();
  }
}
