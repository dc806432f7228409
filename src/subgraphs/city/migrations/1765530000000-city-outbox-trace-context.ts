import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxTraceContextSql, outboxTraceContextSql } from '../../../events/outbox.migration';

/** The outbox row keeps the trace context of its append (docs/deployment.md#traces). */
export class CityOutboxTraceContext1765530000000 implements MigrationInterface {
  name = 'CityOutboxTraceContext1765530000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextSql('city')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropOutboxTraceContextSql('city')) await q.query(sql);
  }
}
