import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ids and codes an event type's catalogue entry names for its recipients (e.g. which
 * entitlement moved to which provider), fixed when the delivery is created: `data.details`.
 */
export class HubWebhookDetails1765440000000 implements MigrationInterface {
  name = 'HubWebhookDetails1765440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.webhook_delivery ADD COLUMN details jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.webhook_delivery DROP COLUMN details');
  }
}
