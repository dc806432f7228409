import { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../events/outbox.migration';

export class HubInitial1764000000000 implements MigrationInterface {
  name = 'HubInitial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.partner (
        slug text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        legal_domains text[] NOT NULL,
        municipality_key text NOT NULL,
        jurisdiction text[] NOT NULL,
        scopes text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL
      )`,
      `CREATE TABLE hub.person_identifier (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        system text NOT NULL,
        value text NOT NULL,
        issued_by text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE UNIQUE INDEX person_identifier_unique ON hub.person_identifier (system, issued_by, value)`,
      `CREATE INDEX person_identifier_person ON hub.person_identifier (person_id)`,
      `CREATE TABLE hub.biography_entry (
        event_id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        source text NOT NULL,
        type text NOT NULL,
        summary text NOT NULL,
        data jsonb NOT NULL,
        actor_partner text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE INDEX biography_person ON hub.biography_entry (person_id, occurred_at DESC)`,
      ...outboxTableSql('hub'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'biography_entry', 'person_identifier', 'partner']) await q.query(`DROP TABLE hub.${t}`);
  }
}
