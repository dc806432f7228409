import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An endpoint may name how many requests it takes at once (1–100); null is the deployment's
 * default (WEBHOOK_ENDPOINT_CONCURRENCY), so existing endpoints keep following it.
 */
export class HubWebhookConcurrency1764960000000 implements MigrationInterface {
  name = 'HubWebhookConcurrency1764960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE hub.webhook_endpoint ADD COLUMN max_concurrency int
         CONSTRAINT webhook_endpoint_max_concurrency CHECK (max_concurrency BETWEEN 1 AND 100)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.webhook_endpoint DROP COLUMN max_concurrency');
  }
}
