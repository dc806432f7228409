import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, grantSql } from '../../shared/row-security.sql';

/**
 * Idempotency keys of mutations (src/gateway/idempotency.ts): one row per partner and key, claimed
 * `in_progress` before the mutation runs and `completed` with the full HTTP response after it.
 * Rows live until `expires_at` (IDEMPOTENCY_TTL_HOURS, at least 24 h) and are then purged in
 * small batches by the gateway. `response_body` can contain personal data: it is never logged.
 */
export class IdempotencyInitial1765000000000 implements MigrationInterface {
  name = 'IdempotencyInitial1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE idempotency.request (
        partner text NOT NULL,
        key text NOT NULL CHECK (key ~ '^[\\x20-\\x7e]{1,255}$'),
        request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        status text NOT NULL CHECK (status IN ('in_progress', 'completed')),
        response_status integer,
        response_body text,
        response_headers jsonb,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (partner, key),
        CHECK (expires_at > created_at),
        CHECK ((status = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL AND response_headers IS NOT NULL))
      )`,
      // The purge deletes expired rows in bounded batches, oldest first.
      `CREATE INDEX request_expires ON idempotency.request (expires_at)`,
      ...grantSql('idempotency'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA idempotency FROM ${APP_ROLE}`);
    await q.query('DROP TABLE idempotency.request');
  }
}
