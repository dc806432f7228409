import { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../events/outbox.migration';

export class JobcenterInitial1764000000000 implements MigrationInterface {
  name = 'JobcenterInitial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // person_id has no foreign key: persons live in the city subgraph's schema (maybe another database).
      `CREATE TABLE jobcenter.jobcenter_record (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        customer_number text NOT NULL CONSTRAINT jobcenter_record_customer_number_key UNIQUE,
        benefit_status text NOT NULL CHECK (benefit_status IN ('applied','receiving','suspended','ended')),
        household_community_number text,
        municipality_key text NOT NULL,
        started_on date NOT NULL,
        ended_on date,
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL,
        CHECK (ended_on IS NULL OR ended_on >= started_on),
        CHECK ((benefit_status = 'ended') = (ended_on IS NOT NULL))
      )`,
      `CREATE INDEX jobcenter_record_person ON jobcenter.jobcenter_record (person_id, started_on DESC)`,
      `CREATE INDEX jobcenter_record_municipality ON jobcenter.jobcenter_record (municipality_key text_pattern_ops)`,
      // At most one record per person that has not ended (the service reports CONFLICT first).
      `CREATE UNIQUE INDEX jobcenter_record_one_open ON jobcenter.jobcenter_record (person_id) WHERE benefit_status <> 'ended'`,
      ...outboxTableSql('jobcenter'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'jobcenter_record']) await q.query(`DROP TABLE jobcenter.${t}`);
  }
}
