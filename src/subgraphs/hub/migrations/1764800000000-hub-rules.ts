import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automatic handovers (src/rules). The application role's rights come from the default
 * privileges of HubGrants1764500000000. Rows hold ids, codes and dates only.
 */
export class HubRules1764800000000 implements MigrationInterface {
  name = 'HubRules1764800000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // A rule's pending or done check for one person; its timer on the `rules` queue is
      // re-created from here when Redis lost it. One per rule and person (and household, when given).
      `CREATE TABLE hub.rule_check (
        rule text NOT NULL,
        person_id uuid NOT NULL,
        household_id uuid,
        due_at timestamptz NOT NULL,
        done_at timestamptz,
        outcome text,
        event_id uuid NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        PRIMARY KEY (rule, person_id)
      )`,
      `CREATE UNIQUE INDEX rule_check_household ON hub.rule_check (rule, household_id) WHERE household_id IS NOT NULL`,
      `CREATE INDEX rule_check_pending ON hub.rule_check (due_at) WHERE done_at IS NULL`,
      // Effects a rule takes once per key (e.g. one flag per move and partner), in the effect's transaction.
      `CREATE TABLE hub.rule_run (
        rule text NOT NULL,
        key text NOT NULL,
        event_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (rule, key)
      )`,
      // When each enabled rule was switched on: rules do not act on events older than that.
      `CREATE TABLE hub.rule_state (
        rule text PRIMARY KEY,
        enabled_since timestamptz NOT NULL
      )`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub.rule_state');
    await q.query('DROP TABLE hub.rule_run');
    await q.query('DROP TABLE hub.rule_check');
  }
}
