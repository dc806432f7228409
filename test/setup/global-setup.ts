import 'reflect-metadata';
import { migrateDatabase } from '../../src/container';
import { databaseUrl, templateName, withAdmin } from './pg';

/**
 * Migrates one template database once; every test file then clones it (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds instead of running migrations per file.
 */
export default async function globalSetup(): Promise<void> {
  const template = templateName();
  // Test workers start after global setup and inherit this: they clone exactly this template.
  process.env.LOTSE_TEST_TEMPLATE = template;
  await withAdmin(async (admin) => {
    // Leftovers of crashed runs and templates of older migrations. Only where one run owns the
    // server (CI): on a workstation another run may be using them right now.
    const stale = !process.env.CI
      ? { rows: [] as Array<{ datname: string }> }
      : await admin.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE (datname LIKE 'lotse_t\\_%' OR (datname LIKE 'lotse_tpl\\_%' AND datname <> $1))
         AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = pg_database.datname)`,
          [template],
        );
    for (const { datname } of stale.rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    // Build under a temporary name and rename: a half-migrated template is never picked up.
    const building = `${template}_build_${process.pid}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    try {
      await migrateDatabase(databaseUrl(building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      await admin.query(`ALTER DATABASE "${template}" IS_TEMPLATE true`);
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      throw err;
    }
  });
}
