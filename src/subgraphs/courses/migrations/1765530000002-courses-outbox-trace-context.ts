import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxTraceContextSql, outboxTraceContextSql } from '../../../events/outbox.migration';

/** The outbox row keeps the trace context of its append (docs/deployment.md#traces). */
export class CoursesOutboxTraceContext1765530000002 implements MigrationInterface {
  name = 'CoursesOutboxTraceContext1765530000002';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextSql('courses')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of dropOutboxTraceContextSql('courses')) await q.query(sql);
  }
}
