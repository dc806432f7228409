import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal (eUMA track) that is dropped without ever being agreed keeps no agreement day: the
 * goal check allowed a day-less goal only while proposed. Now: proposed has none, open and the
 * settled statuses but dropped have one, dropped either (docs/case-management.md, goals).
 */
export class CityCaseGoalDropped1765480000000 implements MigrationInterface {
  name = 'CityCaseGoalDropped1765480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE city.case_goal DROP CONSTRAINT case_goal_check`);
    await q.query(
      `ALTER TABLE city.case_goal ADD CONSTRAINT case_goal_agreed CHECK (
        CASE status WHEN 'proposed' THEN agreed_on IS NULL WHEN 'dropped' THEN true ELSE agreed_on IS NOT NULL END
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The old check needs a day on every dropped goal: its creation day stands in.
    await q.query(
      `UPDATE city.case_goal SET agreed_on = created_at::date WHERE status = 'dropped' AND agreed_on IS NULL`,
    );
    await q.query(`ALTER TABLE city.case_goal DROP CONSTRAINT case_goal_agreed`);
    await q.query(
      `ALTER TABLE city.case_goal ADD CONSTRAINT case_goal_check CHECK ((status = 'proposed') = (agreed_on IS NULL))`,
    );
  }
}
