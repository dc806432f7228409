import { EntityManager, Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import { systemActor } from '../../src/shared/actor';
import { startTestApp, TestApp } from '../helpers/app';
import { createReferralViaApi, registerPerson } from '../factories';

/**
 * A write's audit entry is appended by the outbox as the last thing before its transaction
 * commits: the chain lock is held for the head read, one INSERT and the COMMIT only, and a
 * transaction (or savepoint) that rolls back leaves no entry.
 */
describe('audit entries of writes are appended at commit', () => {
  let app: TestApp;
  let personId: string;
  let log: Array<{ qr?: QueryRunner; sql: string }> | null = null;

  beforeAll(async () => {
    app = await startTestApp();
    personId = (await registerPerson(app, 'rheine-social', { givenName: 'Yonas', familyName: 'Tesfaye' })).id;
    const spy: TypeOrmLogger = {
      logQuery: (q, _p, qr) => void log?.push({ qr, sql: q.replace(/\s+/g, ' ').trim() }),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    (app.container.subgraphs.hub.dataSource as unknown as { logger: TypeOrmLogger }).logger = spy;
  });
  afterAll(() => app?.stop());

  const hub = () => app.container.subgraphs.hub.dataSource;
  const entries = async (): Promise<number> =>
    (await hub().query('SELECT count(*)::int AS n FROM audit.entry'))[0].n as number;
  const LOCK = 'SELECT pg_advisory_xact_lock(';

  it('takes the chain lock once, after every write of the transaction, right before COMMIT', async () => {
    log = [];
    // Created and sent at once: two outbox events (draft, requested) and an update in one transaction.
    const referral = await createReferralViaApi(app, 'rheine-social', {
      personId,
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'benefit_handover',
    });
    const seen = log;
    log = null;
    expect(referral.status).toBe('requested');
    const writer = seen.find((s) => s.sql.startsWith('INSERT INTO "hub"."referral"'))?.qr;
    expect(writer).toBeDefined();
    const tx = seen.filter((s) => s.qr === writer).map((s) => s.sql);
    const begin = tx.indexOf('START TRANSACTION');
    const commit = tx.indexOf('COMMIT');
    const mine = tx.slice(begin, commit + 1);
    const locks = mine.flatMap((sql, i) => (sql.startsWith(LOCK) ? [i] : []));
    const lastWrite = Math.max(
      ...mine.flatMap((sql, i) => (sql.includes('INSERT INTO "hub"."outbox"') || sql.startsWith('UPDATE') ? [i] : [])),
    );
    expect(locks).toHaveLength(1);
    expect(locks[0]).toBeGreaterThan(lastWrite);
    // Lock, head, one INSERT of both entries, COMMIT.
    expect(mine.length - 1 - locks[0]).toBe(3);
    expect(mine[locks[0] + 2]).toMatch(/^INSERT INTO audit\.entry/);
    const written: Array<{ detail: { event: string } }> = await hub().query(
      `SELECT detail FROM audit.entry WHERE kind = 'write' AND detail->>'eventId' IN
         (SELECT id::text FROM hub.outbox WHERE aggregate_id = $1) ORDER BY seq`,
      [referral.id],
    );
    expect(written.map((w) => w.detail.event)).toEqual(['referral.status_changed', 'referral.status_changed']);
    expect((await app.container.audit.verify()).ok).toBe(true);
  });

  const append = (em: EntityManager, n: number) =>
    app.container.outbox.append(em, systemActor(`test-${n}`), {
      type: 'person.identifier_added',
      personId,
      aggregateType: 'Person',
      aggregateId: personId,
      payload: { personId, identifierId: `id-${n}`, system: 'azr_number', issuedBy: 'rheine-abh' },
    });

  it('leaves no entry for a transaction that rolls back, and none for a rolled-back savepoint', async () => {
    const before = await entries();
    await expect(
      hub().transaction(async (em) => {
        await append(em, 1);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await entries()).toBe(before);

    await hub().transaction(async (em) => {
      await append(em, 2);
      await em
        .transaction(async (inner) => {
          await append(inner, 3);
          throw new Error('inner only');
        })
        .catch(() => undefined);
      await em.transaction(async (inner) => append(inner, 4));
    });
    const rows: Array<{ value: string }> = await hub().query(
      `SELECT o.payload->>'identifierId' AS value FROM audit.entry a JOIN hub.outbox o ON o.id::text = a.detail->>'eventId'
        WHERE a.seq > $1 ORDER BY a.seq`,
      [before],
    );
    expect(rows.map((r) => r.value)).toEqual(['id-2', 'id-4']);
    expect((await app.container.audit.verify()).ok).toBe(true);
  });
});
