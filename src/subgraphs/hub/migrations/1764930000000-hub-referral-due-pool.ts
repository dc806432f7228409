import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A referral's due date (e.g. the day benefits switch on a handover) and, when the sender left
 * the receiver to the hub, the pool it was chosen from (e.g. any course provider with free seats).
 */
export class HubReferralDuePool1764930000000 implements MigrationInterface {
  name = 'HubReferralDuePool1764930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hub.referral ADD COLUMN due_on date, ADD COLUMN receiver_pool text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.referral DROP COLUMN receiver_pool, DROP COLUMN due_on');
  }
}
