import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding a person by (system, value) whoever issued the identifier: the bulk import matches each
 * row this way. The unique index leads with system and issuer, which a lookup without the issuer
 * cannot use past the system.
 */
export class HubIdentifierHolders1765310000000 implements MigrationInterface {
  name = 'HubIdentifierHolders1765310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX person_identifier_value ON hub.person_identifier (value, system)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hub.person_identifier_value');
  }
}
