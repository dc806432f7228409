import { randomUUID } from 'node:crypto';
import { HubTransferAccepted1764955000000 as Migration } from '../../src/subgraphs/hub/migrations/1764955000000-hub-transfer-accepted';
import { newMessageId } from '../../src/subgraphs/hub/webhook/webhook.signing';
import { startTestApp, TestApp } from '../helpers/app';

/** Stored uses of the old public name of an accepted transfer follow the rename; nothing else changes. */
describe('migration: entitlement.transferred → transfer.accepted', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  const sql = (query: string, params: unknown[] = []) => app.container.subgraphs.hub.dataSource.query(query, params);

  it('renames subscriptions, inbox notifications and webhook deliveries, and back', async () => {
    const endpoints = [randomUUID(), randomUUID()];
    const types = [
      ['referral.requested', 'entitlement.transferred'],
      ['entitlement.transferred', 'transfer.accepted'],
    ];
    for (const [i, id] of endpoints.entries()) {
      await sql(
        `INSERT INTO hub.webhook_endpoint
           (id, partner, url, description, event_types, enabled, disabled_reason, created_at, updated_at)
         VALUES ($1, 'rheine-asylblg', 'https://hooks.example.org/lotse', NULL, $2, true, NULL, now(), now())`,
        [id, types[i]],
      );
    }
    const eventId = randomUUID();
    const delivery = newMessageId(new Date());
    await sql(
      `INSERT INTO hub.webhook_delivery
         (id, endpoint_id, partner, event_type, event_id, event_source, person_id, referral_id, category,
          occurred_at, status, attempt_count, retry_base, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, 'rheine-asylblg', 'entitlement.transferred', $3, 'hub', NULL, NULL, 'case_notes',
          now(), 'succeeded', 1, 0, NULL, now(), now())`,
      [delivery, endpoints[0], eventId],
    );
    const notification = randomUUID();
    await sql(
      `INSERT INTO hub.notification
         (id, partner, type, event_id, person_id, referral_id, category, occurred_at, created_at, read_at)
       VALUES ($1, 'rheine-asylblg', 'entitlement.transferred', $2, NULL, NULL, 'case_notes', now(), now(), NULL)`,
      [notification, eventId],
    );
    const state = async () => ({
      endpoints: (
        await sql(
          `SELECT event_types FROM hub.webhook_endpoint WHERE id = ANY($1)
                   ORDER BY cardinality(event_types) DESC`,
          [endpoints],
        )
      ).map((r: any) => r.event_types),
      delivery: (await sql('SELECT event_type FROM hub.webhook_delivery WHERE id = $1', [delivery]))[0].event_type,
      notification: (await sql('SELECT type FROM hub.notification WHERE id = $1', [notification]))[0].type,
    });

    const migration = new Migration();
    const runner = app.container.subgraphs.hub.dataSource.createQueryRunner();
    try {
      await migration.up(runner);
      expect(await state()).toEqual({
        endpoints: [['referral.requested', 'transfer.accepted'], ['transfer.accepted']],
        delivery: 'transfer.accepted',
        notification: 'transfer.accepted',
      });
      await migration.down(runner);
      expect(await state()).toEqual({
        endpoints: [['referral.requested', 'entitlement.transferred'], ['entitlement.transferred']],
        delivery: 'entitlement.transferred',
        notification: 'entitlement.transferred',
      });
    } finally {
      await runner.release();
    }
  });
});
