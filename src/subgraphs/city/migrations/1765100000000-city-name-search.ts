import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, dropJurisdictionPolicySql, jurisdictionPolicySql } from '../../../shared/row-security.sql';

/** What a name row copies from its person; a change to any of them rewrites the person's rows. */
const COPIED = ['search_names', 'family_name', 'given_name', 'municipality_key'];
const copied = (alias: string) => `(${COPIED.map((c) => `${alias}.${c}`).join(', ')})`;

/**
 * Name search through a B-tree. Under row-level security PostgreSQL uses an index only for
 * leakproof operators: the array operators of the GIN index `person_search_names` (`&&`, `@>`) and
 * LIKE are not, so every name search read the whole table. `city.person_name` holds each
 * searchable form of `person.search_names` as a row; a prefix is a range (`>=`, `<`) and a skeleton
 * an equality, both leakproof text comparisons. Collation "C" makes the range byte-wise, so
 * `[w, w || '~')` is exactly "starts with w" for folded names (a–z, 0–9).
 *
 * A row carries its person's list order (family name, given name, id): the persons holding one
 * name come out of the key in the order of a page, however many they are. It carries the
 * municipality too, for its own row-security policy (a policy that looked the person up may be
 * planned as a pass over every person). Triggers keep the rows in step with the person whatever
 * writes it (registration, a move, retention's erasure, bulk loads): one pass per statement.
 */
export class CityNameSearch1765100000000 implements MigrationInterface {
  name = 'CityNameSearch1765100000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE city.person_name (
        name text COLLATE "C" NOT NULL,
        family_name text NOT NULL,
        given_name text NOT NULL,
        person_id uuid NOT NULL REFERENCES city.person(id) ON DELETE CASCADE,
        municipality_key text NOT NULL,
        PRIMARY KEY (name, family_name, given_name, person_id)
      )`,
      `CREATE INDEX person_name_person ON city.person_name (person_id)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON city.person_name TO ${APP_ROLE}`,
      ...jurisdictionPolicySql('city', 'person_name'),
      `CREATE FUNCTION city.person_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          DELETE FROM city.person_name n USING old_rows o JOIN new_rows r ON r.id = o.id
            WHERE n.person_id = o.id AND ${copied('o')} IS DISTINCT FROM ${copied('r')};
          INSERT INTO city.person_name (name, family_name, given_name, person_id, municipality_key)
            SELECT DISTINCT s, r.family_name, r.given_name, r.id, r.municipality_key
              FROM new_rows r JOIN old_rows o ON o.id = r.id, unnest(r.search_names) s
             WHERE ${copied('o')} IS DISTINCT FROM ${copied('r')};
        ELSE
          INSERT INTO city.person_name (name, family_name, given_name, person_id, municipality_key)
            SELECT DISTINCT s, r.family_name, r.given_name, r.id, r.municipality_key
              FROM new_rows r, unnest(r.search_names) s;
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER person_name_insert AFTER INSERT ON city.person REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION city.person_name_sync()`,
      `CREATE TRIGGER person_name_update AFTER UPDATE ON city.person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION city.person_name_sync()`,
      // Existing persons (the migration runs as the owner, outside row security).
      `INSERT INTO city.person_name (name, family_name, given_name, person_id, municipality_key)
        SELECT DISTINCT s, p.family_name, p.given_name, p.id, p.municipality_key
          FROM city.person p, unnest(p.search_names) s`,
      // Never usable under row security (see above), yet written on every registration and move.
      `DROP INDEX city.person_search_names`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER person_name_update ON city.person');
    await q.query('DROP TRIGGER person_name_insert ON city.person');
    await q.query('DROP FUNCTION city.person_name_sync()');
    for (const sql of dropJurisdictionPolicySql('city', 'person_name')) await q.query(sql);
    await q.query('DROP TABLE city.person_name');
    await q.query('CREATE INDEX person_search_names ON city.person USING gin (search_names)');
  }
}
