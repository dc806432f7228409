import fs from 'node:fs';
import { Clock } from '../shared/time';
import { countRows, ImportFormat, readRows } from './person-import.reader';
import { parseRow, RowError } from './person-import.row';
import { PersonImportService, refusalOf, RowOutcome } from './person-import.service';
import { ImportProgress } from './person-import.progress';

export interface ImportRunOptions {
  file: string;
  format: ImportFormat;
  partner: string;
  errorsFile: string;
  dryRun: boolean;
  /** Rows in flight at once (each holds a database connection while it writes). */
  concurrency: number;
  clock: Clock;
  progress: { tty: boolean; write: (text: string) => void };
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/**
 * Serialises rows that share a key (an identifier, a household): two rows about one person, or
 * two members of one new household, never run at the same time; all other rows run side by side.
 */
class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async with<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const before = keys.map((k) => this.tails.get(k)).filter((p): p is Promise<void> => p !== undefined);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const k of keys) this.tails.set(k, mine);
    try {
      await Promise.all(before);
      return await fn();
    } finally {
      release();
      for (const k of keys) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Runs one import: streams the file, checks and imports each row (at most `concurrency` at a
 * time), writes one report line per refused field (`line,field,reason`) and returns the counts.
 */
export async function runPersonImport(service: PersonImportService, opts: ImportRunOptions): Promise<ImportSummary> {
  const runId = `import-${opts.clock.now().getTime().toString(36)}`;
  // The partner is checked before the first row: an unknown or unfit partner imports nothing.
  const { actor: base } = await service.actorFor(opts.partner, runId);
  const total = await countRows(opts.file, opts.format);
  const progress = new ImportProgress({ total, ...opts.progress });
  const report = fs.createWriteStream(opts.errorsFile);
  report.write('line,field,reason\n');
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const fail = (line: number, errors: RowError[]) => {
    summary.failed++;
    for (const e of errors) report.write(`${line},${csvField(e.field)},${csvField(e.reason)}\n`);
  };
  const locks = new KeyedLocks();
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let fatal: Error | undefined;

  const one = async (line: number, work: () => Promise<RowOutcome>) => {
    try {
      summary[await work()]++;
    } catch (err) {
      const refused = refusalOf(err);
      if (refused) fail(line, refused);
      else fatal ??= err instanceof Error ? err : new Error(String(err));
    }
    progress.update(++done, summary.failed);
  };

  try {
    for await (const read of readRows(opts.file, opts.format)) {
      if (fatal) break;
      if ('unreadable' in read) {
        fail(read.line, [{ field: 'row', reason: read.unreadable }]);
        progress.update(++done, summary.failed);
        continue;
      }
      const parsed = parseRow(read.raw, opts.clock.now());
      if ('errors' in parsed) {
        fail(read.line, parsed.errors);
        progress.update(++done, summary.failed);
        continue;
      }
      const row = parsed.row;
      const keys = row.identifiers.map((i) => `id\n${i.system}\n${i.value}`);
      if (row.household) keys.push(`household\n${row.household}`);
      // A fresh actor per row, as per request: the policy reads legal bases once per actor object.
      const actor = { ...base, scopes: [...base.scopes], requestId: `${runId}-${read.line}` };
      const task: Promise<void> = locks
        .with(keys, () => one(read.line, () => service.importRow(actor, row, { dryRun: opts.dryRun })))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    }
  } finally {
    // Also when the file turns out unreadable half-way: the rows under way finish first.
    await Promise.allSettled([...inFlight]);
    await new Promise<void>((resolve) => report.end(resolve));
  }
  if (fatal) throw fatal;
  progress.finish(done, summary.failed);
  return summary;
}
