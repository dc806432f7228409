import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxTraceContextSql, outboxTraceContextSql } from '../../../events/outbox.migration';

/** The outbox row keeps the trace context of its append (docs/deployment.md#traces). */
export class HubOutboxTraceContext1765530000003 implements MigrationInterface {
  name = 'HubOutboxTraceContext1765530000003';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextSql('hub')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropOutboxTraceContextSql('hub')) await q.query(sql);
  }
}
