import 'reflect-metadata';
import crypto from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import { createContainer, migrateDatabase } from '../../src/container';
import { seedPartners } from '../../src/seed/partners.seed';
import { createLogger } from '../../src/shared/logger';
import { flushPrefix } from '../helpers/app';
import { databaseUrl, REDIS_URL, seededTemplateName, templateName, withAdmin } from './pg';

/**
 * Migrates one template database once; every test file then clones it (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds instead of running migrations per file.
 */
export default async function globalSetup(): Promise<void> {
  const template = templateName();
  const seeded = seededTemplateName(template);
  // Test workers start after global setup and inherit these: they clone exactly these templates
  // (test apps the seeded one; a test of an empty database the migrated one).
  process.env.LOTSE_TEST_TEMPLATE = seeded;
  process.env.LOTSE_TEST_TEMPLATE_MIGRATED = template;
  await withAdmin(async (admin) => {
    // Leftovers of crashed runs and templates of older migrations. Only where one run owns the
    // server (CI): on a workstation another run may be using them right now.
    const stale = !process.env.CI
      ? { rows: [] as Array<{ datname: string }> }
      : await admin.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE (datname LIKE 'lotse_t\\_%' OR (datname LIKE 'lotse_tpl\\_%' AND datname NOT IN ($1, $2)))
         AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = pg_database.datname)`,
          [template, seeded],
        );
    for (const { datname } of stale.rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
    await buildTemplate(admin, template, (url) => migrateDatabase(url));
    await buildTemplate(admin, seeded, seedDemoConfiguration, template);
  });
}

/** Builds under a temporary name and renames: a half-built template is never picked up. */
async function buildTemplate(admin: Client, name: string, build: (url: string) => Promise<unknown>, from?: string) {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount) return;
  const building = `${name.slice(0, 40)}_build_${process.pid}`;
  await admin.query(`CREATE DATABASE "${building}"${from ? ` TEMPLATE "${from}"` : ''}`);
  try {
    await build(databaseUrl(building));
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    await admin.query(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
  } catch (err) {
    await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
    throw err;
  }
}

/**
 * The demo configuration, applied once for all test apps (startTestApp applies it again and finds
 * nothing to change). Its audit entries are removed from the template: tests of the audit log
 * start from an empty log, as they did when seeding wrote none.
 */
async function seedDemoConfiguration(url: string): Promise<void> {
  const queuePrefix = `lotse-test-template-${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    LOTSE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL,
    LOTSE_QUEUE_PREFIX: queuePrefix,
    DB_POOL_SIZE: '2',
    LOG_LEVEL: 'silent',
  });
  const container = await createContainer(config, {
    databaseUrl: url,
    redisUrl: REDIS_URL,
    log: createLogger('silent'),
  });
  try {
    await seedPartners(container);
  } finally {
    await container.close();
    await flushPrefix(queuePrefix);
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE audit.entry DISABLE TRIGGER entry_insert_only');
    await client.query('TRUNCATE audit.entry');
    await client.query('ALTER TABLE audit.entry ENABLE TRIGGER entry_insert_only');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
