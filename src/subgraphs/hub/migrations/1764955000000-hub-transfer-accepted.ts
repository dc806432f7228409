import { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out: a migration must not change when the catalogue in code does.
const OLD = 'entitlement.transferred';
const NEW = 'transfer.accepted';

/**
 * The public event of an accepted transfer is `transfer.accepted` (it was `entitlement.transferred`;
 * "entitlement" is kept for the integration-course entitlement certificate). Stored uses of the
 * old name follow: endpoints' subscriptions, inbox notifications, webhook deliveries. The audit
 * log is never changed: its entries keep the name they were written with.
 */
export class HubTransferAccepted1764955000000 implements MigrationInterface {
  name = 'HubTransferAccepted1764955000000';

  async up(q: QueryRunner): Promise<void> {
    await rename(q, OLD, NEW);
  }

  async down(q: QueryRunner): Promise<void> {
    await rename(q, NEW, OLD);
  }
}

async function rename(q: QueryRunner, from: string, to: string): Promise<void> {
  // An endpoint subscribed to both keeps one.
  await q.query(
    `UPDATE hub.webhook_endpoint
        SET event_types = CASE WHEN $2 = ANY(event_types) THEN array_remove(event_types, $1)
                               ELSE array_replace(event_types, $1, $2) END
      WHERE $1 = ANY(event_types)`,
    [from, to],
  );
  await q.query('UPDATE hub.notification SET type = $2 WHERE type = $1', [from, to]);
  await q.query('UPDATE hub.webhook_delivery SET event_type = $2 WHERE event_type = $1', [from, to]);
}
