import fs from 'node:fs';
import { boot } from '../app';
import { UsageError } from '../cli.args';
import { Config } from '../config';
import { createLogger } from '../shared/logger';
import { formatOf, ImportFileError, ImportFormat } from './person-import.reader';
import { runPersonImport } from './person-import.run';
import { ImportRefused, PersonImportService } from './person-import.service';

type Values = Record<string, string | boolean | undefined>;

/**
 * `lotse import persons FILE --as PARTNER`: the summary on stdout (counts only), progress on
 * stderr, refused rows in the error report. Exit 0 when every row was imported, 1 when some
 * were refused, 2 for a usage error or an import that could not start.
 */
export async function importCommand(config: Config, values: Values, positionals: string[]): Promise<number> {
  const [what, file] = positionals;
  if (what !== 'persons') throw new UsageError('needs: persons FILE --as PARTNER', 'import');
  if (!file) throw new UsageError('persons needs the FILE to import', 'import');
  const partner = typeof values.as === 'string' ? values.as.trim() : '';
  if (!partner) throw new UsageError('needs --as PARTNER (the partner the import acts as)', 'import');
  const format = (typeof values.format === 'string' ? values.format : formatOf(file)) as ImportFormat | null;
  if (format !== 'csv' && format !== 'jsonl')
    throw new UsageError('--format must be csv or jsonl (or the file end in .csv or .jsonl)', 'import');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    console.error(`lotse: cannot read ${file}: no such file`);
    return 2;
  }
  const errorsFile = typeof values.errors === 'string' ? values.errors : `${file}.errors.csv`;
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    const service = new PersonImportService({
      city: container.subgraphs.city.services,
      hub: container.subgraphs.hub.services,
      rowSecurity: container.rowSecurity,
    });
    const summary = await runPersonImport(service, {
      file,
      format,
      partner,
      errorsFile,
      dryRun: Boolean(values['dry-run']),
      concurrency: Math.max(1, config.dbPoolSize),
      clock: container.clock,
      progress: { tty: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text) },
    });
    console.log(
      `${values['dry-run'] ? 'dry run, nothing written: ' : ''}created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, failed ${summary.failed}`,
    );
    if (summary.failed) console.error(`refused rows: see ${errorsFile}`);
    return summary.failed ? 1 : 0;
  } catch (err) {
    if (err instanceof ImportRefused || err instanceof ImportFileError) {
      console.error(`lotse import: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await container.close();
    await infra.stop();
  }
}
