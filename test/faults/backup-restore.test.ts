import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { LotseProcess, ROOT, runCli } from '../helpers/lotse-process';
import { OwnPostgres, postgresBinDir, startOwnPostgres } from '../helpers/own-postgres';
import { asSuperuser } from '../helpers/superuser';
import { asHub } from '../helpers/system';
import { registerPerson } from '../factories';
import { FAST_WEBHOOKS, personReferredToVhsAt, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { loadOrCreateDevKey, signDevToken } from '../../src/gateway/dev-key';
import { freePort } from '../../src/runtime/free-port';
import { RedisHandle, startRedisServer } from '../../src/runtime/redis-server';

/** A PostgreSQL client program of the system's installation (pg_dump, pg_restore, psql), bounded. */
function pgTool(name: string, args: string[]): Promise<{ code: number; out: string }> {
  const bin = path.join(postgresBinDir()!, name);
  return new Promise((resolve) =>
    execFile(bin, args, { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

const OUTBOXES = ['city', 'jobcenter', 'courses', 'hub'];
const UNACKED = OUTBOXES.map(
  (s) => `SELECT id, published_at IS NOT NULL AS published FROM ${s}.outbox WHERE acked_at IS NULL`,
).join(' UNION ALL ');
/** Events not acknowledged yet, `published` or not, sorted by id. */
const unackedRows = (url: string): Promise<{ id: string; published: boolean }[]> =>
  asSuperuser(url, async (c) => (await c.query(`${UNACKED} ORDER BY id`)).rows);
const unacked = async (url: string): Promise<string[]> => (await unackedRows(url)).map((r) => r.id);

/** What a partner sees: persons of the social office; referrals, endpoints and deliveries of the VHS. */
const PERSONS = `{ persons(first: 100) { totalCount edges { node {
  id givenName familyName birthDate address { street houseNumber postalCode locality } } } } }`;
const VHS = `{
  referrals(first: 100) { totalCount edges { node { id status sender receiver purpose referralType person { id } } } }
  webhookEndpoints { edges { node { id url eventTypes enabled secrets { id } } } }
  webhookDeliveries(first: 100) { edges { node { id status eventType referralId attemptCount } } }
}`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id familyName } }`;

/**
 * Backup and restore as docs/operations.md "Backups" prescribes: a database with persons, referrals,
 * a webhook endpoint and its deliveries, an audit log with a signed checkpoint, stored idempotent
 * responses, and outbox events not yet acknowledged, dumped with pg_dump --format=custom and restored
 * into a fresh cluster of this test's own (restored as a non-superuser owner), with an empty Redis.
 * The restored log verifies against its checkpoint; a gateway serves the same data; a worker
 * publishes the events pending at dump time.
 */
describe('backup and restore into a fresh cluster', () => {
  let app: TestApp;
  let receiver: Receiver;
  let pg: OwnPostgres;
  let redis: RedisHandle;
  let sourceRedis: RedisHandle;
  let tmp: string;
  const processes: LotseProcess[] = [];
  const killAll = () => processes.forEach((p) => p.running && p.child.kill('SIGKILL'));

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli.js')))
      throw new Error('run `npm run build` first: this test runs bin/lotse.js');
    if (!postgresBinDir()) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    process.once('exit', killAll);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-fault-backup-'));
    sourceRedis = await startRedisServer(path.join(tmp, 'source'), () => undefined);
    app = await startTestApp({ workers: true, redisUrl: sourceRedis.url, env: FAST_WEBHOOKS });
    receiver = await startReceiver();
    pg = await startOwnPostgres();
    // The new cluster's superuser is `admin`; the role of DATABASE_URL will be a plain role, as it
    // is in production. Its name is the old owner's (`postgres`), which the dump's default privileges name.
    await asSuperuser(pg.url('postgres'), (c) => c.query('CREATE ROLE admin SUPERUSER LOGIN'));
    await asSuperuser(adminUrl('postgres'), (c) => c.query('ALTER ROLE postgres RENAME TO bootstrap'));
    // The restored installation's Redis starts empty: Redis is not backed up.
    redis = await startRedisServer(path.join(tmp, 'restored'), () => undefined);
  });
  afterAll(async () => {
    for (const p of processes) await p.kill(5000);
    process.removeListener('exit', killAll);
    await receiver?.close();
    await app?.stop();
    await pg?.destroy();
    await redis?.stop();
    await sourceRedis?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const restoredUrl = () => pg.url('lotse');
  const adminUrl = (db: string) => `postgres://admin@127.0.0.1:${pg.port}/${db}`;
  /** The environment of every restored process: the same internal secret, nothing else carried over. */
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    ...FAST_WEBHOOKS,
    LOTSE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: restoredUrl(),
    DATABASE_APP_ROLE: 'lotse_app',
    REDIS_URL: redis.url,
    LOTSE_DATA_DIR: path.join(tmp, 'data'),
    LOTSE_INTERNAL_SECRET: app.internalSecret,
    LOTSE_DEMO_SEED: 'false',
    OUTBOX_RELAY_INTERVAL_MS: '100',
    ...extra,
  });
  const start = async (command: string, ready: string, extra: Record<string, string> = {}) => {
    const proc = new LotseProcess([path.join(ROOT, 'bin', 'lotse.js'), command], env(extra));
    processes.push(proc);
    await proc.waitForLine(ready, 30_000);
    return proc;
  };
  const verify = async (extra: Record<string, string> = {}) => {
    const r = await runCli(['audit', 'verify'], env({ LOG_LEVEL: 'warn', ...extra }), 30_000);
    return { code: r.code, out: r.stdout.trim() };
  };

  it('the restored log verifies, a gateway serves the same data, pending events go out', async () => {
    // The data: persons, a webhook endpoint, a referral delivered to it, an idempotent mutation.
    const personId = await personReferredToVhsAt(app, receiver.url);
    const delivered = await referToVhs(app, personId);
    const idempotent = async (url: string, token: string) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'k-1' },
        body: JSON.stringify({
          query: REGISTER,
          variables: { input: { givenName: 'Lina', familyName: 'Idem', municipalityKey: '05566076' } },
        }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const first = await idempotent(app.url, await app.token('rheine-social'));
    expect(first.body.errors).toBeUndefined();
    await eventually(async () => (await unacked(app.db.url)).length === 0, 20_000);
    expect(receiver.received).toHaveLength(1);
    // A signed checkpoint of the head, as the maintenance worker stores every hour.
    const { checkpoint } = await asHub(app, () => app.container.audit.writeCheckpoint('test'));

    // Unacknowledged at dump time: a referral's events published into the (lost) Redis but not yet
    // handled, and a registration committed while no relay ran, never published.
    const workers = app.workers!;
    await workers.workers.find((w) => w.name === app.container.queues.events.name)!.pause();
    const pendingReferral = await referToVhs(app, personId);
    await eventually(async () => (await unackedRows(app.db.url)).every((r) => r.published), 20_000);
    await workers.close();
    app.workers = undefined;
    await registerPerson(app, 'rheine-social', { givenName: 'Samira', familyName: 'Pending' });
    const pendingRows = await unackedRows(app.db.url);
    expect(pendingRows.some((r) => r.published) && pendingRows.some((r) => !r.published)).toBe(true);
    const pending = pendingRows.map((r) => r.id);
    const persons = (await app.gql('rheine-social', PERSONS)).body;
    const vhs = (await app.gql('vhs-rheine', VHS)).body;
    expect(persons.data.persons.totalCount).toBe(3);
    expect(vhs.data.referrals.totalCount).toBe(2);
    const auditRows = await asSuperuser(
      app.db.url,
      async (c) => (await c.query('SELECT count(*)::int AS n FROM audit.entry')).rows[0].n as number,
    );

    // Backup, then restore by the procedure of docs/operations.md.
    const dump = path.join(tmp, 'lotse.dump');
    let t = Date.now();
    const dumped = await pgTool('pg_dump', ['--format=custom', `--file=${dump}`, app.db.url]);
    expect(dumped).toEqual({ code: 0, out: '' });
    const dumpMs = Date.now() - t;
    t = Date.now();
    // Step 2: the roles before the restore, then the database, as the superuser.
    const roles = [
      'CREATE ROLE postgres LOGIN',
      'CREATE ROLE lotse_app NOLOGIN',
      'GRANT lotse_app TO postgres',
      'CREATE DATABASE lotse OWNER postgres',
    ];
    const psql = await pgTool('psql', [
      '-v',
      'ON_ERROR_STOP=1',
      ...roles.flatMap((r) => ['-c', r]),
      adminUrl('postgres'),
    ]);
    expect(psql.code).toBe(0);
    const superuser = await asSuperuser(
      restoredUrl(),
      async (c) => (await c.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0].rolsuper,
    );
    expect(superuser).toBe(false);
    const restored = await pgTool('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', restoredUrl(), dump]);
    expect(restored).toEqual({ code: 0, out: '' });
    const restoreMs = Date.now() - t;
    const migrated = await runCli(['migrate'], env({ LOG_LEVEL: 'warn' }), 30_000);
    expect({ code: migrated.code, out: migrated.stdout.trim() }).toEqual({ code: 0, out: 'migrations are up to date' });

    // The log holds together and against the checkpoint signed before the dump.
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      new RegExp(
        `^audit log intact: ${auditRows} rows, head [0-9a-f]{64}; checkpoint of row ${checkpoint.seq} \\(.+\\) holds$`,
      ),
    );
    // With another internal secret no checkpoint is found to hold the chain against: keep the secret.
    const otherSecret = await verify({ LOTSE_INTERNAL_SECRET: 'x'.repeat(40) });
    expect(otherSecret.out).toMatch(/no stored checkpoint yet$/);

    // A gateway on the restored database, no worker yet: the same answers, the same events pending.
    const port = await freePort();
    const devKey = await loadOrCreateDevKey(path.join(tmp, 'data'));
    await start('gateway', 'Lotse is listening on', { PORT: String(port), HOST: '127.0.0.1' });
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const token = async (partner: string) => {
      const row = await asHub(app, () => app.container.subgraphs.hub.services.partners.findBySlug(partner));
      return signDevToken(devKey, 'urn:lotse:dev', 'urn:lotse:api', { partner, scopes: row!.scopes });
    };
    const query = async (partner: string, q: string) => {
      const res = await fetch(`${gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(partner)}` },
        body: JSON.stringify({ query: q }),
      });
      return (await res.json()) as any;
    };
    expect(await query('rheine-social', PERSONS)).toEqual(persons);
    expect(await query('vhs-rheine', VHS)).toEqual(vhs);
    expect(await unacked(restoredUrl())).toEqual(pending);
    // The retried mutation gets its stored response; no second person is registered.
    const again = await idempotent(gatewayUrl, await token('rheine-social'));
    expect(again.body).toEqual(first.body);

    // A worker publishes what was pending at dump time; the webhook sent before the dump is not sent again.
    t = Date.now();
    // Redelivery after 1 s instead of 60 s: events published shortly before the dump wait that long.
    await start('worker', 'workers started', { OUTBOX_REDELIVER_AFTER_MS: '1000', WORKER_PORT: '0' });
    await eventually(async () => (await unacked(restoredUrl())).length === 0, 30_000);
    await eventually(async () => receiver.received.length >= 2, 20_000);
    const publishMs = Date.now() - t;
    const referralIds = receiver.received.map((r) => JSON.parse(r.body).data.referralId);
    expect(referralIds).toEqual([delivered, pendingReferral]);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(2);
    const personsAfter = await query('rheine-social', PERSONS);
    expect(personsAfter.data.persons.totalCount).toBe(3);
    console.log(
      `backup-restore: dump ${dumpMs} ms, role + database + pg_restore ${restoreMs} ms, ` +
        `worker start to every pending event acknowledged and delivered ${publishMs} ms`,
    );
  });

  it('one audit row changed in the restored database makes verify fail', async () => {
    for (const p of processes) await p.stop('SIGTERM', 15_000);
    await asSuperuser(adminUrl('lotse'), async (c) => {
      await c.query('ALTER TABLE audit.entry DISABLE TRIGGER entry_insert_only');
      await c.query(`UPDATE audit.entry SET operation = 'tampered' WHERE seq = 2`);
      await c.query('ALTER TABLE audit.entry ENABLE TRIGGER entry_insert_only');
    });
    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^audit log BROKEN at row 2: /);
  });
});
