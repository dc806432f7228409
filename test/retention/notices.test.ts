import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/shared/time';
import { startTestApp, TestApp } from '../helpers/app';
import { registerPerson } from '../factories';

/**
 * What partners were told about a person (inbox notifications, webhook deliveries and their
 * attempts) is erased after its own period, with an audit entry; what is about no person, still
 * pending, or recent stays.
 */
describe('retention of notifications and webhook deliveries', () => {
  let app: TestApp;
  let now = new Date('2030-06-01T00:00:00Z');
  const clock: Clock = { now: () => now };
  const sql = (q: string, p: unknown[] = []) => app.container.subgraphs.hub.dataSource.query(q, p);

  beforeAll(async () => {
    app = await startTestApp({ gateway: false, clock });
  });
  afterAll(() => app?.stop());

  it('erases what is due after the default periods (notifications one year, deliveries 90 days)', async () => {
    const person = (await registerPerson(app, 'rheine-social', { givenName: 'Old', familyName: 'Notice' })).id;
    const notification = (occurredAt: string, personId: string | null) =>
      sql(
        `INSERT INTO hub.notification (id, partner, type, event_id, person_id, referral_id, category, occurred_at, created_at) VALUES ($1, 'vhs-rheine', 'person.status_changed', $2, $3, NULL, 'residence', $4, $4) RETURNING id`,
        [randomUUID(), randomUUID(), personId, occurredAt],
      ).then((r: any[]) => r[0].id);
    const [endpoint] = await sql(
      `INSERT INTO hub.webhook_endpoint (id, partner, url, event_types, created_at, updated_at) VALUES ($1, 'vhs-rheine', 'https://vhs.example/hook', '{referral.requested}', now(), now()) RETURNING id`,
      [randomUUID()],
    );
    const delivery = async (createdAt: string, status: string) => {
      const id = `msg_${randomUUID().replace(/-/g, '')}`;
      await sql(
        `INSERT INTO hub.webhook_delivery (id, endpoint_id, partner, event_type, event_id, event_source, person_id, referral_id, category, occurred_at, status, created_at, updated_at)
         VALUES ($1, $2, 'vhs-rheine', 'referral.requested', $3, 'hub', $4, NULL, 'case_notes', $5, $6, $5, $5)`,
        [id, endpoint.id, randomUUID(), person, createdAt, status],
      );
      await sql(
        `INSERT INTO hub.webhook_attempt (delivery_id, attempt, at, status_code, latency_ms) VALUES ($1, 1, $2, 200, 12)`,
        [id, createdAt],
      );
      return id;
    };
    const oldNotice = await notification('2029-01-01T00:00:00Z', person);
    const recentNotice = await notification('2030-01-01T00:00:00Z', person);
    const aboutNoOne = await notification('2020-01-01T00:00:00Z', null);
    const oldDelivery = await delivery('2030-01-01T00:00:00Z', 'succeeded');
    const oldPending = await delivery('2030-01-01T00:00:00Z', 'pending');
    const recentDelivery = await delivery('2030-05-01T00:00:00Z', 'dead');

    const dry = await app.container.retention.run({ dryRun: true });
    expect(dry.find((s) => s.task === 'hub.notification')).toMatchObject({ erased: 1, persons: 1 });
    expect(dry.find((s) => s.task === 'hub.webhook_delivery')).toMatchObject({ erased: 1, persons: 1 });

    const done = await app.container.retention.run();
    expect(done.find((s) => s.task === 'hub.notification')).toMatchObject({ erased: 1, auditEntries: 1 });
    expect(done.find((s) => s.task === 'hub.webhook_delivery')).toMatchObject({ erased: 1, auditEntries: 1 });
    expect((await sql('SELECT id FROM hub.notification ORDER BY occurred_at')).map((r: any) => r.id)).toEqual([
      aboutNoOne,
      recentNotice,
    ]);
    expect(
      (await sql('SELECT id FROM hub.webhook_delivery ORDER BY created_at, id')).map((r: any) => r.id).sort(),
    ).toEqual([oldPending, recentDelivery].sort());
    expect(await sql('SELECT delivery_id FROM hub.webhook_attempt WHERE delivery_id = $1', [oldDelivery])).toEqual([]);
    expect(oldNotice).toBeDefined();

    const erasures = await sql(
      `SELECT detail->>'task' AS task, categories FROM audit.entry WHERE kind = 'erasure' AND person_ref = $1 ORDER BY seq`,
      [app.container.audit.pseudonym(person)],
    );
    expect(erasures).toEqual([
      { task: 'hub.notification', categories: ['residence'] },
      { task: 'hub.webhook_delivery', categories: ['case_notes'] },
    ]);
    expect((await app.container.audit.verify()).ok).toBe(true);

    // A second run finds nothing more.
    now = new Date('2030-06-02T00:00:00Z');
    const again = await app.container.retention.run();
    expect(
      again
        .filter((s) => s.task.startsWith('hub.notification') || s.task.startsWith('hub.webhook'))
        .every((s) => s.erased === 0),
    ).toBe(true);
  });
});
