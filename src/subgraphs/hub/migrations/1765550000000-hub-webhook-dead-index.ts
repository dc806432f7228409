import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead webhook deliveries, counted at every scrape of /metrics (lotse_webhook_deliveries_dead) and
 * listed by operators (docs/operations.md, What to monitor): a partial index holds only them, so
 * neither reads the whole delivery table.
 */
export class HubWebhookDeadIndex1765550000000 implements MigrationInterface {
  name = 'HubWebhookDeadIndex1765550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_delivery_dead ON hub.webhook_delivery (updated_at) WHERE status = 'dead'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX hub.webhook_delivery_dead`);
  }
}
