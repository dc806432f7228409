import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/shared/time';
import { runPersonImport, ImportSummary } from '../../src/import/person-import.run';
import { PersonImportService } from '../../src/import/person-import.service';
import type { TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { ImportRow, writeImportCsv } from '../factories/import-file.factory';

/** The import service of a test app, as the CLI builds it. */
export const importService = (app: Pick<TestApp, 'container'>) =>
  new PersonImportService({
    city: app.container.subgraphs.city.services,
    hub: app.container.subgraphs.hub.services,
    rowSecurity: app.container.rowSecurity,
  });

/** Writes `rows` to a CSV in a temporary directory and imports it as `partner` through the service. */
export async function importCsv(
  app: Pick<TestApp, 'container'>,
  rows: ImportRow[],
  opts: { partner?: string; dryRun?: boolean } = {},
): Promise<{ summary: ImportSummary; errors: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-import-'));
  const file = path.join(dir, 'persons.csv');
  try {
    await writeImportCsv(file, rows);
    const summary = await runPersonImport(importService(app), {
      file,
      format: 'csv',
      partner: opts.partner ?? 'rheine-abh',
      errorsFile: `${file}.errors.csv`,
      dryRun: opts.dryRun ?? false,
      concurrency: 2,
      clock: app.container.clock ?? systemClock,
      progress: { tty: false, write: () => undefined },
    });
    const errors = fs.readFileSync(`${file}.errors.csv`, 'utf8').trim().split('\n').slice(1);
    return { summary, errors };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of a table as the hub sees everything (system context `test`). */
export const sql = (app: Pick<TestApp, 'container'>, source: 'city' | 'hub', query: string, params: unknown[] = []) =>
  asHub<any[]>(app, () => app.container.subgraphs[source].dataSource.query(query, params));

/** How many events and audit write entries exist: a run that changes nothing leaves both as they are. */
export async function writeCounts(app: Pick<TestApp, 'container'>) {
  const [city] = await sql(app, 'city', 'SELECT count(*)::int AS n FROM city.outbox');
  const [hub] = await sql(app, 'hub', 'SELECT count(*)::int AS n FROM hub.outbox');
  const [audit] = await app.container.subgraphs.hub.dataSource.query(
    `SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'write'`,
  );
  return { cityEvents: city.n, hubEvents: hub.n, auditWrites: audit.n };
}

/** The person (id) holding an AZR number issued by `partner`, or undefined. */
export async function personByAzr(app: Pick<TestApp, 'container'>, azr: string, partner = 'rheine-abh') {
  const [row] = await sql(
    app,
    'hub',
    `SELECT person_id FROM hub.person_identifier WHERE system = 'azr_number' AND value = $1 AND issued_by = $2`,
    [azr, partner],
  );
  return row?.person_id as string | undefined;
}
