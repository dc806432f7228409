import fs from 'node:fs';
import { Container } from '../container';
import { systemActor } from '../shared/actor';
import { applyCityConfig } from './configuration.apply';
import { summary } from './configuration.diff';
import { ConfigurationRows, formatCityConfig, toCityConfig } from './configuration.export';
import { ConfigFileError, ParsedConfig, parseCityConfig } from './configuration.parse';

/** A refusal `lotse` prints as is (exit code 2): the file, the entry and the field, nothing written. */
export class ConfigCommandError extends Error {}

/** Reads and checks a city.yaml; problems name file:line:column and the path in it. */
export function readCityConfig(file: string): ParsedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigCommandError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return parseCityConfig(text, file);
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigCommandError(`${err.message}\nnothing was written`);
    throw err;
  }
}

/**
 * `lotse apply -f FILE [--dry-run] [--prune [--yes]]`: the diff on stdout, one line per change,
 * then a summary. `--prune` without `--yes` shows what would go and refuses (exit 2).
 */
export async function runApplyCommand(
  container: Container,
  parsed: ParsedConfig,
  opts: { dryRun: boolean; prune: boolean; yes: boolean },
): Promise<number> {
  const service = container.subgraphs.hub.services.configuration;
  const actor = systemActor('cli', 'cli:apply');
  const confirmMissing = opts.prune && !opts.yes;
  let result;
  try {
    result = await container.rowSecurity.system('cli:apply', () =>
      applyCityConfig(
        service,
        actor,
        parsed,
        { dryRun: opts.dryRun || confirmMissing, prune: opts.prune },
        container.clock.now(),
      ),
    );
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigCommandError(`${err.message}\nnothing was written`);
    throw err;
  }
  for (const line of result.lines) console.log(line.text);
  const removals = result.lines.filter((l) => l.op === '-').length;
  if (confirmMissing) {
    console.log(`${summary(result.lines)} (not applied)`);
    throw new ConfigCommandError(
      `--prune ${removals ? `would remove ${removals} entr${removals === 1 ? 'y' : 'ies'} (the lines with -)` : 'removes what the file no longer names'}; run again with --yes to apply. Nothing was written.`,
    );
  }
  if (opts.dryRun)
    console.log(result.lines.length ? `${summary(result.lines)} (dry run, nothing written)` : summary([]));
  else console.log(summary(result.lines));
  return 0;
}

/** `lotse export [-o FILE]`: the configuration in the file format, to stdout by default. */
export async function runExportCommand(container: Container, opts: { out?: string }): Promise<number> {
  const service = container.subgraphs.hub.services.configuration;
  const rows = await container.rowSecurity.system('cli:export', () =>
    service.snapshot(systemActor('cli', 'cli:export')),
  );
  // No date or host in the header: exporting an unchanged configuration gives the same file.
  const header = [
    ' Lotse: Konfiguration der Stadt (lotse export). Anwenden mit: lotse apply -f <Datei>',
    ' Format: schema/city-config.schema.json',
  ].join('\n');
  const text = formatCityConfig(toCityConfig(rows as unknown as ConfigurationRows), header);
  if (!opts.out) {
    process.stdout.write(text);
    return 0;
  }
  fs.writeFileSync(opts.out, text);
  console.error(`wrote ${opts.out}`);
  return 0;
}
