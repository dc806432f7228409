import crypto from 'node:crypto';
import { databaseUrl, seededTemplateName, templateName, withAdmin } from '../setup/pg';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, cloned from the migrated template with the demo city's
 * configuration applied (test/setup/global-setup.ts); `empty`: migrated only, no partners.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `lotse_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  // The templates global setup built for this run (the migrations may have changed on disk since).
  const template = opts.empty
    ? (process.env.LOTSE_TEST_TEMPLATE_MIGRATED ?? templateName())
    : (process.env.LOTSE_TEST_TEMPLATE ?? seededTemplateName());
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      withAdmin(async (admin) => {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [name],
        );
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      }),
  };
}
