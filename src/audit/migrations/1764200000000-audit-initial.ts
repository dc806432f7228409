import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident audit log (DSGVO Art. 5(2), 15, 30). Insert-only by trigger; a superuser can
 * still bypass the trigger, which is why every row carries a hash chain that `lotse audit verify`
 * recomputes. `seq` is assigned by the appender under an advisory lock, not by a sequence: a
 * sequence leaves gaps on rollback, and a gap must mean "a row was deleted".
 */
export class AuditInitial1764200000000 implements MigrationInterface {
  name = 'AuditInitial1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE audit.entry (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL CHECK (at = date_trunc('milliseconds', at)),
        kind text NOT NULL CHECK (kind IN ('read','write','denied','consent','erasure','system')),
        partner text NOT NULL,
        subject text NOT NULL,
        request_id text NOT NULL,
        person_ref text CHECK (person_ref ~ '^[0-9a-f]{64}$'),
        categories text[] NOT NULL DEFAULT '{}',
        fields text[] NOT NULL DEFAULT '{}',
        purpose text,
        basis text,
        operation text,
        detail jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`,
      // Art. 15 access reports look rows up by pseudonym, newest first.
      `CREATE INDEX entry_person ON audit.entry (person_ref, seq DESC) WHERE person_ref IS NOT NULL`,
      `CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit.entry is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
       END
       $$`,
      // Statement level, so even an UPDATE/DELETE matching no row is refused, and TRUNCATE too.
      `CREATE TRIGGER entry_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.entry
         FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit.entry');
    await q.query('DROP FUNCTION audit.refuse_change()');
  }
}
