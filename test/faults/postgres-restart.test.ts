import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDatabase } from '../../src/container';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { OwnPostgres, startOwnPostgres } from '../helpers/own-postgres';
import { createWebhookEndpoint, RHEINE } from '../factories';
import { FAST_WEBHOOKS } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { Answer, RestartLoad } from './support/postgres-restart.load';

const CLIENTS = 4;
const DOWN_MS = 3000;

/**
 * F5: PostgreSQL is stopped (fast shutdown: every connection terminated) under a steady load of
 * mutations with Idempotency-Keys and queries, stays down a few seconds and is started again. The
 * gateway, the workers, the relay and a webhook receiver run throughout against a cluster and a
 * Redis of this test's own. At the moment of the stop, mutations are held in the middle of their
 * transaction (a lock on city.person that only inserts wait for), so some are certainly in flight.
 *
 * Partners see HTTP 503 with Retry-After meanwhile, never 401 or 500; service resumes within 10 s
 * of PostgreSQL accepting connections; a client that sends a failed mutation again with the same
 * key gets it done once: every person exactly once, with its event, audit entry and biography
 * entry, and every referral's webhook once per id. A second case holds a mutation after its
 * commit, while the gateway still reads its answer, when PostgreSQL stops: its retry is replayed.
 */
describe('F5 PostgreSQL restarted under load', () => {
  let pg: OwnPostgres;
  let redis: RedisHandle;
  let app: TestApp;
  let receiver: Receiver;
  let dir: string;
  let load: RestartLoad | undefined;
  let locker: Client | undefined;
  const killPg = () => pg?.killNow();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-f5-'));
    process.once('exit', killPg);
    pg = await startOwnPostgres();
    await pg.createDatabase('lotse');
    await migrateDatabase(pg.url('lotse'));
    redis = await startRedisServer(dir, () => undefined);
    app = await startTestApp({
      workers: true,
      redisUrl: redis.url,
      db: { name: 'lotse', url: pg.url('lotse'), drop: async () => undefined },
      env: FAST_WEBHOOKS,
    });
    receiver = await startReceiver();
    await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url, eventTypes: ['referral.requested'] });
  }, 120_000);

  afterAll(async () => {
    // The cluster is a daemon of pg_ctl: it outlives the test unless stopped here, so whatever
    // hangs before it gets a bounded time (an 'exit' listener does not run under Jest).
    const stopApp = async () => {
      await locker?.end().catch(() => undefined);
      await load?.abort();
      await receiver?.close();
      await app?.stop();
      await redis?.stop();
    };
    try {
      await Promise.race([stopApp(), new Promise((r) => setTimeout(r, 30_000).unref())]);
    } finally {
      await pg?.destroy();
      process.removeListener('exit', killPg);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  /** A new connection as superuser for each check: it sees every row, and the cluster may have restarted. */
  async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: pg.url('lotse'), connectionTimeoutMillis: 5000 });
    // A check running while the cluster stops gets 57P01 as an event too: its query rejects anyway.
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(text, values)).rows;
    } finally {
      await c.end();
    }
  }

  it('answers 503 with Retry-After while down, recovers within 10 s, and loses or duplicates nothing', async () => {
    const run = new RestartLoad(app, Date.now() + 90_000);
    load = run;
    await run.start(CLIENTS);
    await eventually(async () => run.completed().length >= CLIENTS * 2, 20_000);

    // Mutations in flight: registerPerson waits for the lock, its key claimed, its transaction open.
    // EXCLUSIVE lets reads (the relay, the reader) through, so only the inserts hold connections.
    locker = new Client({ connectionString: pg.url('lotse') });
    locker.on('error', () => undefined); // terminated by the stop
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE city.person IN EXCLUSIVE MODE');
    await eventually(async () => {
      const [{ n }] = await sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = 'lotse-city' AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "city"."person"%'`,
      );
      return n >= 2;
    }, 10_000);
    const inFlight = [...run.pending.keys()].filter((k) => k.startsWith('f5-person-'));

    const downAt = Date.now();
    await pg.stop();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await pg.start();
    const upAt = Date.now();
    const firstSuccess = await eventually(
      async () => run.answers.find((a) => a.kind === 'mutation' && a.ok && !a.replayed && a.at >= upAt),
      15_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; answers since the start: ${JSON.stringify(run.summary(upAt))}`);
    });
    const recoveryMs = firstSuccess.at - upAt;
    await new Promise((r) => setTimeout(r, 2000));
    await run.stop();

    // (1) What partners saw: while down every failure a 503 with Retry-After; never 401, 500,
    // an internal error, or no answer; after the restart no failure at all.
    const during = run.answers.filter((a) => a.at >= downAt && a.at <= firstSuccess.at);
    const failedDuring = during.filter((a) => !a.ok);
    const unavailable = (a: Answer) =>
      a.status === 503 &&
      Number(a.retryAfter) >= 1 &&
      a.codes.length > 0 &&
      a.codes.every((c) => c === 'SERVICE_UNAVAILABLE');
    const report = {
      answers: run.answers.length,
      duringOutage: during.length,
      unavailable: failedDuring.filter(unavailable).length,
      retries: run.retries,
      inFlight: inFlight.length,
      recoveryMs,
      intents: run.intents.length,
    };
    process.stdout.write(`F5 ${JSON.stringify(report)}\n`);
    expect(failedDuring.filter((a) => !unavailable(a))).toEqual([]);
    expect(failedDuring.length).toBeGreaterThan(0);
    const before = run.answers.filter((a) => a.at < downAt || a.at > firstSuccess.at);
    expect(before.filter((a) => !a.ok)).toEqual([]);
    expect(
      run.answers.filter((a) => a.codes.includes('INTERNAL_SERVER_ERROR') || (a.status >= 500 && a.status !== 503)),
    ).toEqual([]);

    // (2) The pools recover within 10 s of PostgreSQL accepting connections again.
    expect(recoveryMs).toBeLessThan(10_000);

    // (3) Every intended person exactly once, with the id its client was given; none besides.
    const intents = run.intents;
    expect(intents.every((i) => i.personId && i.referralId)).toBe(true);
    expect(inFlight.length).toBeGreaterThanOrEqual(2);
    const persons = await sql<{ id: string; family_name: string }>(
      `SELECT id::text, family_name FROM city.person WHERE family_name LIKE 'Restart%' ORDER BY family_name`,
    );
    expect(persons.map((p) => [p.family_name, p.id]).sort()).toEqual(
      intents.map((i) => [i.familyName, i.personId]).sort(),
    );
    const referrals = await sql<{ id: string; person_id: string }>(
      'SELECT id::text, person_id::text FROM hub.referral',
    );
    expect(referrals.map((r) => [r.person_id, r.id]).sort()).toEqual(
      intents.map((i) => [i.personId, i.referralId]).sort(),
    );

    // No partial commits: each person's event, its audit entry and (once handled) its biography entry.
    const events = await sql<{ id: string; aggregate_id: string }>(
      `SELECT id::text, aggregate_id::text FROM city.outbox WHERE type = 'person.registered'`,
    );
    expect(events.map((e) => e.aggregate_id).sort()).toEqual(persons.map((p) => p.id).sort());
    const eventIds = events.map((e) => e.id);
    const audited = await sql(`SELECT detail->>'eventId' AS id FROM audit.entry WHERE detail->>'eventId' = ANY($1)`, [
      eventIds,
    ]);
    expect(audited.map((a) => a.id).sort()).toEqual([...eventIds].sort());
    await eventually(async () => {
      const [{ n }] = await sql(
        `SELECT (SELECT count(*) FROM city.outbox WHERE acked_at IS NULL)
              + (SELECT count(*) FROM hub.outbox WHERE acked_at IS NULL) AS n`,
      );
      return Number(n) === 0;
    }, 60_000);
    const biography = await sql(`SELECT event_id::text AS id FROM hub.biography_entry WHERE event_id = ANY($1)`, [
      eventIds,
    ]);
    expect(biography.map((b) => b.id).sort()).toEqual([...eventIds].sort());

    // Every referral's webhook arrives; one webhook-id per referral and one body per id.
    const referralOf = (body: string) => JSON.parse(body).data.referralId as string;
    await eventually(
      async () => referrals.every((r) => receiver.received.some((w) => referralOf(w.body) === r.id)),
      60_000,
    );
    const bodies = new Map<string, Set<string>>();
    for (const w of receiver.received) bodies.set(w.id, (bodies.get(w.id) ?? new Set()).add(w.body));
    expect([...bodies.values()].filter((b) => b.size !== 1)).toEqual([]);
    expect(bodies.size).toBe(referrals.length);
    process.stdout.write(`F5 webhooks ${JSON.stringify({ ids: bodies.size, received: receiver.received.length })}\n`);
  }, 150_000);

  it('a mutation that committed just before the stop is answered 503, and its retry replays it: one person', async () => {
    const token = await app.token('rheine-social');
    const query =
      'mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id identifiers { value } } }';
    const variables = { input: { givenName: 'Amal', familyName: 'Committed', municipalityKey: RHEINE } };
    const post = async () => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'f5-late' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(20_000),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };
    // The city subgraph commits the person; then the gateway asks the hub for `identifiers`, which waits.
    locker = new Client({ connectionString: pg.url('lotse') });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE hub.person_identifier IN ACCESS EXCLUSIVE MODE');
    const first = post();
    await eventually(async () => {
      const [{ n }] = await sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = 'lotse-hub' AND wait_event_type = 'Lock' AND query LIKE '%person_identifier%'`,
      );
      return n >= 1;
    }, 10_000);
    const committed = await sql(`SELECT id::text FROM city.person WHERE family_name = 'Committed'`);
    expect(committed).toHaveLength(1);

    await pg.stop();
    const during = await first;
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await pg.start();
    const retried = await eventually(async () => {
      const a = await post();
      return a.status === 200 ? a : undefined;
    }, 15_000);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.data.registerPerson.id).toBe(committed[0].id);
    expect(await sql(`SELECT id::text FROM city.person WHERE family_name = 'Committed'`)).toEqual(committed);
  }, 60_000);
});
