import fs from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { COLUMNS, RawRow, REQUIRED_COLUMNS } from './person-import.row';

export type ImportFormat = 'csv' | 'jsonl';

/** A row as read, with the line it starts on (the error report's `line`), or why it could not be read. */
export type ReadRow = { line: number; raw: RawRow } | { line: number; unreadable: string };

/** A file the import cannot start on (missing columns, unreadable): a usage error, nothing imported. */
export class ImportFileError extends Error {}

/** csv from `.csv`, jsonl from `.jsonl`/`.ndjson`; otherwise the caller must say. */
export function formatOf(file: string): ImportFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return null;
}

/**
 * The rows of an import file, one at a time: the file is streamed, never held in memory, so a
 * file of any length runs in flat memory.
 */
export function readRows(file: string, format: ImportFormat): AsyncIterable<ReadRow> {
  return format === 'csv' ? readCsv(file) : readJsonLines(file);
}

async function* readCsv(file: string): AsyncIterable<ReadRow> {
  const parser = fs.createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => checkHeader(header.map((h) => h.trim())),
      skip_empty_lines: true,
      info: true,
      // A row with too few or too many fields is reported as that row's error, not the file's.
      relax_column_count: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: RawRow; info: { lines: number } }>) {
    yield { line: info.lines, raw: record };
  }
}

function checkHeader(header: string[]): string[] {
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new ImportFileError(`unknown columns: ${unknown.join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new ImportFileError(`missing columns: ${missing.join(', ')}`);
  return header;
}

async function* readJsonLines(file: string): AsyncIterable<ReadRow> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, unreadable: 'not valid JSON' };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) yield { line, unreadable: 'not a JSON object' };
    else yield { line, raw: value as RawRow };
  }
}

/** Lines of the file (a quick pass for the progress total; CSV: minus the header). */
export async function countRows(file: string, format: ImportFormat): Promise<number> {
  let count = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    last = chunk[chunk.length - 1] ?? last;
  }
  if (last !== 10) count++;
  return Math.max(0, format === 'csv' ? count - 1 : count);
}
