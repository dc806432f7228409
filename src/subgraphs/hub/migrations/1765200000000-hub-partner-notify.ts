import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed change of a partner row notifies `lotse_partner` with its slug, so each gateway
 * process drops its cached entry at once (a deactivated partner is refused within milliseconds,
 * not after the cache's lifetime). NOTIFY is delivered on commit only.
 */
export class HubPartnerNotify1765200000000 implements MigrationInterface {
  name = 'HubPartnerNotify1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION hub.notify_partner_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lotse_partner', COALESCE(NEW.slug, OLD.slug));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER partner_notify AFTER INSERT OR UPDATE OR DELETE ON hub.partner
        FOR EACH ROW EXECUTE FUNCTION hub.notify_partner_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER partner_notify ON hub.partner');
    await q.query('DROP FUNCTION hub.notify_partner_change()');
  }
}
