import fs from 'node:fs';
import { Metric, SuiteResult } from './types';

/** What `bench/results/latest.json` holds. */
export interface RunRecord {
  quick: boolean;
  date: string;
  commit: string;
  node: string;
  machine: { cpu: string; cores: number; ramGiB: number; os: string };
  command: string;
  /** Wall-clock seconds of the whole run. */
  seconds?: number;
  suites: Array<SuiteResult & { title: string; error?: string; seconds: number }>;
}

export const BEGIN = '<!-- bench:begin -->';
export const END = '<!-- bench:end -->';

export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

const cell = (m: Metric) =>
  `${num(m.value)} ${m.unit}${m.spread && m.spread[0] !== m.spread[1] ? ` (${num(m.spread[0])}–${num(m.spread[1])})` : ''}`;

/**
 * Metrics named `group · row · column` become one table per group (e.g. per query: a row per
 * gateway, a column per measure); any other metric is listed in a table of its own.
 */
function metricTables(metrics: Metric[]): string[] {
  const out: string[] = [];
  const grouped = new Map<string, Map<string, Map<string, Metric>>>();
  const columns = new Map<string, string[]>();
  const flat: Metric[] = [];
  for (const m of metrics) {
    const parts = m.name.split(' · ');
    if (parts.length !== 3) {
      flat.push(m);
      continue;
    }
    const [group, row, column] = parts;
    if (!grouped.has(group)) grouped.set(group, new Map());
    const rows = grouped.get(group)!;
    if (!rows.has(row)) rows.set(row, new Map());
    rows.get(row)!.set(column, m);
    const cols = columns.get(group) ?? [];
    if (!cols.includes(column)) cols.push(column);
    columns.set(group, cols);
  }
  for (const [group, rows] of grouped) {
    const cols = columns.get(group)!;
    out.push(`**${group}**`, '', `| | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
    for (const [row, values] of rows)
      out.push(`| ${row} | ${cols.map((c) => (values.has(c) ? cell(values.get(c)!) : '')).join(' | ')} |`);
    out.push('');
  }
  if (flat.length) {
    out.push('| Metric | Median (min–max) | Note |', '|---|---:|---|');
    for (const m of flat) out.push(`| ${m.name} | ${cell(m)} | ${m.note ?? ''} |`);
    out.push('');
  }
  return out;
}

export function renderMarkdown(record: RunRecord): string {
  const m = record.machine;
  const out = [
    `Run of ${record.date} on commit \`${record.commit}\`${record.quick ? ' (quick)' : ''}: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${record.node}. Command: \`${record.command}\`.`,
    '',
  ];
  for (const s of record.suites) {
    out.push(`### ${s.title}`, '');
    if (s.error) {
      out.push(`**Failed:** ${s.error.split('\n')[0]}`, '');
      continue;
    }
    out.push(...metricTables(s.metrics));
    if (s.ratios?.length) {
      out.push('| Ratio | Value | Target | Met |', '|---|---:|---|---|');
      for (const r of s.ratios)
        out.push(
          `| ${r.name} | ${num(r.value)} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`,
        );
      out.push('');
    }
    for (const n of s.notes ?? []) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n').trimEnd() + '\n';
}

/** Replaces what lies between the markers of `file`; the hand-written rest stays as it is. */
export function writeGeneratedSection(file: string, markdown: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${file} lacks the markers ${BEGIN} … ${END}`);
  fs.writeFileSync(file, `${text.slice(0, begin + BEGIN.length)}\n${markdown}${text.slice(end)}`);
}
