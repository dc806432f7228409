import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal bases that hold only while a referral is open: the receiver of a referral (from the
 * basis's source partner, when it names one) may process the person's data for the referral's
 * purpose from sending until the referral closes, and not before or after.
 */
export class HubReferralBoundBases1764920000000 implements MigrationInterface {
  name = 'HubReferralBoundBases1764920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hub.legal_basis ADD COLUMN while_referral_open boolean NOT NULL DEFAULT false`);
    // The decision point looks up a receiver's open referrals per purpose and person.
    await q.query(
      `CREATE INDEX referral_receiver_purpose ON hub.referral (receiver, purpose, person_id) WHERE status IN ('requested', 'received', 'accepted', 'in_progress', 'on_hold')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hub.referral_receiver_purpose');
    await q.query('ALTER TABLE hub.legal_basis DROP COLUMN while_referral_open');
  }
}
