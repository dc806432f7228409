import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxTraceContextSql, outboxTraceContextSql } from '../../../events/outbox.migration';

/** The outbox row keeps the trace context of its append (docs/deployment.md#traces). */
export class JobcenterOutboxTraceContext1765530000001 implements MigrationInterface {
  name = 'JobcenterOutboxTraceContext1765530000001';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextSql('jobcenter')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropOutboxTraceContextSql('jobcenter')) await q.query(sql);
  }
}
