import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin API's columns. A partner's contact is a function mailbox (name, e-mail, phone) for the
 * city's integration team. A revoked legal basis keeps its row (it was in force until then: the
 * register and past audit entries name it) and stops allowing anything from the moment of
 * revocation: the policy decision point reads only rows with `revoked_at IS NULL`.
 */
export class HubConfiguration1765210000000 implements MigrationInterface {
  name = 'HubConfiguration1765210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.partner ADD COLUMN contact jsonb');
    await q.query('ALTER TABLE hub.legal_basis ADD COLUMN revoked_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub.legal_basis DROP COLUMN revoked_at');
    await q.query('ALTER TABLE hub.partner DROP COLUMN contact');
  }
}
