import { Client } from 'pg';

/** Every schema Lotse writes: the subgraphs (with their outboxes), the audit log, idempotency records. */
export const LOTSE_SCHEMAS = ['city', 'jobcenter', 'courses', 'hub', 'audit', 'idempotency'];

/**
 * A digest of every row of every table, per table: two equal fingerprints mean nothing was
 * written. Read as the connecting superuser, so row-level security hides nothing.
 */
export async function fingerprint(url: string, schemas = LOTSE_SCHEMAS): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1) ORDER BY 1`,
      [schemas],
    );
    const digests = await client.query<{ name: string; digest: string }>(
      tables
        .map(
          ({ name }) =>
            `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${name} t`,
        )
        .join(' UNION ALL '),
    );
    return Object.fromEntries(digests.rows.map((r) => [r.name, r.digest]));
  } finally {
    await client.end();
  }
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
