import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../../shared/row-security.sql';

/**
 * Signed webhooks (src/subgraphs/hub/webhook). Rows hold ids, codes, URLs and secrets, never
 * personal data: what a webhook says about a person is read when it is sent.
 */
export class HubWebhooks1764900000000 implements MigrationInterface {
  name = 'HubWebhooks1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.webhook_endpoint (
        id uuid PRIMARY KEY,
        partner text NOT NULL REFERENCES hub.partner(slug),
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX webhook_endpoint_partner ON hub.webhook_endpoint (partner, created_at, id)`,
      `CREATE TABLE hub.webhook_secret (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES hub.webhook_endpoint(id) ON DELETE CASCADE,
        secret text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz
      )`,
      `CREATE INDEX webhook_secret_endpoint ON hub.webhook_secret (endpoint_id)`,
      `CREATE TABLE hub.webhook_delivery (
        id text PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES hub.webhook_endpoint(id) ON DELETE CASCADE,
        partner text NOT NULL,
        event_type text NOT NULL,
        event_id uuid NOT NULL,
        event_source text NOT NULL,
        person_id uuid,
        referral_id uuid,
        category text NOT NULL,
        occurred_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'dead', 'cancelled')),
        attempt_count int NOT NULL DEFAULT 0,
        retry_base int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        cancel_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (endpoint_id, event_id, event_type)
      )`,
      // The re-sync reads due pending deliveries; consent withdrawal a person's pending ones.
      `CREATE INDEX webhook_delivery_due ON hub.webhook_delivery (next_attempt_at) WHERE status = 'pending'`,
      `CREATE INDEX webhook_delivery_person ON hub.webhook_delivery (person_id) WHERE status = 'pending'`,
      `CREATE INDEX webhook_delivery_endpoint ON hub.webhook_delivery (endpoint_id, created_at, id)`,
      `CREATE INDEX webhook_delivery_partner ON hub.webhook_delivery (partner, created_at, id)`,
      `CREATE TABLE hub.webhook_attempt (
        delivery_id text NOT NULL REFERENCES hub.webhook_delivery(id) ON DELETE CASCADE,
        attempt int NOT NULL,
        at timestamptz NOT NULL,
        status_code int,
        latency_ms int NOT NULL,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      )`,
      // HubGrants1764500000000's default privileges cover tables the migrating role creates; this
      // also covers a database where another owner role runs the migrations.
      `GRANT SELECT, INSERT, UPDATE, DELETE ON hub.webhook_endpoint, hub.webhook_secret, hub.webhook_delivery, hub.webhook_attempt TO ${APP_ROLE}`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_attempt', 'webhook_delivery', 'webhook_secret', 'webhook_endpoint'])
      await q.query(`DROP TABLE hub.${t}`);
  }
}
