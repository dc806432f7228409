import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Covering indexes for the report's indicators (BENCHMARKS.md, Indicators): each holds the columns
 * its set's query reads, so a report is an index-only scan over the facts of its period, however
 * the rows lie in the heap (a fact is rewritten at the end of the table whenever its record
 * changes, so a period's rows are scattered). Cases and enrolments are found by their end
 * (open ones as 'infinity'): the ones still running at or ended after the period's start, not
 * every one that started before its end. The plain day indexes of the first migration are
 * covered by these and go.
 */
export class HubIndicatorBenchIndexes1765520000002 implements MigrationInterface {
  name = 'HubIndicatorBenchIndexes1765520000002';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE INDEX indicator_arrival_visit_period ON hub.indicator_arrival_visit (planned_on)
        INCLUDE (status, as_planned, follow_up_due_on, follow_up_kind, follow_up_in_time, topics, municipality_key, owner)`,
      `DROP INDEX hub.indicator_arrival_visit_planned`,
      `CREATE INDEX indicator_referral_period ON hub.indicator_referral (requested_at)
        INCLUDE (kind, referral_type, status, outcome, accepted_at, deadlines_due, deadlines_met, gap_days,
          municipality_key, sender, receiver)`,
      `DROP INDEX hub.indicator_referral_requested`,
      `CREATE INDEX indicator_case_period ON hub.indicator_case ((coalesce(closed_on, 'infinity'::date)))
        INCLUDE (opened_on, closed_on, closure, appointments_due, appointments_kept, goals_agreed, goals_reached,
          topics, municipality_key, owner)`,
      `CREATE INDEX indicator_enrolment_period ON hub.indicator_enrolment ((coalesce(ended_on, 'infinity'::date)))
        INCLUDE (enrolled_on, ended_on, course_kind, status, sex, uses_childcare, shift_worker, apprentice,
          evening_participant, parallel_integration_course, municipality_key, owner)`,
    ])
      await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of [
      `DROP INDEX hub.indicator_enrolment_period`,
      `DROP INDEX hub.indicator_case_period`,
      `CREATE INDEX indicator_referral_requested ON hub.indicator_referral (requested_at)`,
      `DROP INDEX hub.indicator_referral_period`,
      `CREATE INDEX indicator_arrival_visit_planned ON hub.indicator_arrival_visit (planned_on)`,
      `DROP INDEX hub.indicator_arrival_visit_period`,
    ])
      await q.query(sql);
  }
}
