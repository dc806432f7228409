import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { QueryRunner } from 'typeorm';
import { CityNameSearch1765100000000 as Migration } from '../../src/subgraphs/city/migrations/1765100000000-city-name-search';
import { startTestApp, TestApp } from '../helpers/app';

/** The name index: down removes it whole, up builds it again from the persons already there and keeps it current. */
describe('migration: city.person_name', () => {
  let app: TestApp;
  let admin: Client;

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
    admin = new Client({ connectionString: app.db.url }); // DDL needs the owner, as when migrations run
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await app?.stop();
  });

  const runner = () => ({ query: (sql: string) => admin.query(sql) }) as unknown as QueryRunner;
  const insertPerson = async (names: string[]) => {
    const id = randomUUID();
    await admin.query(
      `INSERT INTO city.person (id, municipality_key, given_name, family_name, search_names, sex, registered_at, updated_at)
       VALUES ($1, '05566076', 'X', 'Y', $2, 'unknown', now(), now())`,
      [id, names],
    );
    return id;
  };
  const namesOf = async (id: string) =>
    (await admin.query('SELECT name FROM city.person_name WHERE person_id = $1 ORDER BY name', [id])).rows.map(
      (r) => r.name,
    );
  const objects = async () =>
    (
      await admin.query(
        `SELECT to_regclass('city.person_name') IS NOT NULL AS "table",
                (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'city.person'::regclass AND tgname LIKE 'person_name_%') AS triggers,
                to_regprocedure('city.person_name_sync()') IS NOT NULL AS "function"`,
      )
    ).rows[0];

  it('down drops table, triggers and function; up backfills and keeps the rows in step', async () => {
    const before = await insertPerson(['olena', '~oln']);
    expect(await namesOf(before)).toEqual(['olena', '~oln']);

    const migration = new Migration();
    await migration.down(runner());
    expect(await objects()).toEqual({ table: false, triggers: 0, function: false });
    const during = await insertPerson(['amira', '~amr', 'amira']);

    await migration.up(runner());
    expect(await objects()).toEqual({ table: true, triggers: 2, function: true });
    expect(await namesOf(before)).toEqual(['olena', '~oln']);
    expect(await namesOf(during)).toEqual(['amira', '~amr']);

    const after = await insertPerson(['yusuf', '~ysf']);
    expect(await namesOf(after)).toEqual(['yusuf', '~ysf']);
    await admin.query(`UPDATE city.person SET search_names = '{yusuf2,~ysf2}' WHERE id = $1`, [after]);
    expect(await namesOf(after)).toEqual(['yusuf2', '~ysf2']);
    await admin.query(`UPDATE city.person SET district = 'Mitte' WHERE id = $1`, [after]);
    expect(await namesOf(after)).toEqual(['yusuf2', '~ysf2']);
    // A move: the rows follow the person into its new municipality (their row security reads it).
    await admin.query(`UPDATE city.person SET municipality_key = '05566008' WHERE id = $1`, [after]);
    const moved = await admin.query('SELECT DISTINCT municipality_key FROM city.person_name WHERE person_id = $1', [
      after,
    ]);
    expect(moved.rows).toEqual([{ municipality_key: '05566008' }]);
    await admin.query(`UPDATE city.person SET search_names = '{}' WHERE id = $1`, [after]);
    expect(await namesOf(after)).toEqual([]);
  });
});
