import { Client } from 'pg';

/**
 * One short superuser connection to `url` for `fn`: what a test reads or changes past row security
 * and the audit log's own guards (e.g. which transaction inserted a row).
 */
export async function asSuperuser<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
