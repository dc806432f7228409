import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cooperation agreements and the deadlines of referrals sent under them. The application role's
 * rights come from the default privileges of HubGrants1764500000000. Demo agreements are seeded
 * with the demo partners (src/seed/demo-agreements.ts), not here: they reference partners.
 */
export class HubAgreements1764700000000 implements MigrationInterface {
  name = 'HubAgreements1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.cooperation_agreement (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        receiver text NOT NULL REFERENCES hub.partner(slug),
        referral_type text NOT NULL,
        acknowledge_days int CHECK (acknowledge_days >= 0),
        decide_days int CHECK (decide_days >= 0),
        start_days int CHECK (start_days >= 0),
        escalate_to text REFERENCES hub.partner(slug),
        on_breach text NOT NULL DEFAULT 'escalate' CHECK (on_breach IN ('escalate', 'expire')),
        valid_from date NOT NULL,
        valid_until date,
        statute_or_decision text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (acknowledge_days IS NOT NULL OR decide_days IS NOT NULL OR start_days IS NOT NULL),
        CHECK (valid_until IS NULL OR valid_until >= valid_from)
      )`,
      `CREATE INDEX cooperation_agreement_lookup ON hub.cooperation_agreement (receiver, referral_type, valid_from)`,
      `CREATE TABLE hub.referral_deadline (
        referral_id uuid NOT NULL REFERENCES hub.referral(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('acknowledge', 'decide', 'start')),
        agreement_id uuid NOT NULL REFERENCES hub.cooperation_agreement(id),
        requested_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        met_at timestamptz,
        breached_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (referral_id, kind)
      )`,
      // The timers' re-sync reads open deadlines in due order.
      `CREATE INDEX referral_deadline_open ON hub.referral_deadline (due_at, referral_id, kind) WHERE met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL`,
      `CREATE INDEX referral_deadline_compliance ON hub.referral_deadline (requested_at, agreement_id)`,
      // Deadlines follow a referral's status history in the outbox.
      `CREATE INDEX outbox_referral_history ON hub.outbox (aggregate_id) WHERE type = 'referral.status_changed'`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hub.outbox_referral_history');
    await q.query('DROP TABLE hub.referral_deadline');
    await q.query('DROP TABLE hub.cooperation_agreement');
  }
}
