import { stringify } from 'csv-stringify/sync';
import type {
  IndicatorFigure,
  IndicatorReport,
  IndicatorSetResult,
  IndicatorUnit,
} from '../subgraphs/hub/indicator/indicator.model';

/**
 * One CSV per indicator set, for spreadsheets in German offices (docs/indicators.md, "Bericht"):
 * `;` between fields and a decimal comma (what Excel expects under a German locale: a `,`
 * separator or "6.5" would be read as a date), UTF-8 with a byte-order mark (without it Excel reads
 * "Zähler" as cp1252), CRLF line ends (RFC 4180). A row per figure and one per category of a
 * breakdown; a suppressed figure has empty values and `unterdrueckt` "ja", never a number.
 */

export const CSV_COLUMNS = [
  'zeitraum',
  'angebot',
  'kennzahl',
  'schluessel',
  'kategorie',
  'kategorie_schluessel',
  'wert',
  'einheit',
  'zaehler',
  'nenner',
  'minimum',
  'maximum',
  'unterdrueckt',
  'grund',
] as const;

/** `grund` of a suppressed figure: a small number, or shown it would give one away (gesperrt). */
const REASON = { small_number: 'kleine Zahl', complement: 'gesperrt' } as const;

/** `wert` is in this unit: shares as percent (65,0), so the number reads as the report prints it. */
export const CSV_UNITS: Record<IndicatorUnit, string> = {
  count: 'Anzahl',
  share: 'Prozent',
  days: 'Tage',
  months: 'Monate',
};

/** German decimal comma, one decimal for percent, days, months and means; whole counts as integers. */
function decimal(unit: IndicatorUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  if (unit === 'count' && Number.isInteger(value)) return String(value);
  const scaled = unit === 'share' ? value * 100 : value;
  return (Math.round(scaled * 10) / 10).toFixed(1).replace('.', ',');
}

const whole = (n: number | null): string => (n === null ? '' : String(n));

function row(
  report: IndicatorReport,
  set: IndicatorSetResult,
  ind: { key: string; label: string; unit: IndicatorUnit },
  figure: IndicatorFigure & { min?: number | null; max?: number | null },
  category?: { key: string; label: string },
): string[] {
  const shown = !figure.suppressed;
  return [
    report.period.label,
    set.label,
    ind.label,
    ind.key,
    category?.label ?? '',
    category?.key ?? '',
    shown ? decimal(ind.unit, figure.value) : '',
    CSV_UNITS[ind.unit],
    shown ? whole(figure.numerator) : '',
    shown ? whole(figure.denominator) : '',
    shown ? decimal(ind.unit, figure.min ?? null) : '',
    shown ? decimal(ind.unit, figure.max ?? null) : '',
    figure.suppressed ? 'ja' : 'nein',
    figure.suppressed ? REASON[figure.suppression ?? 'small_number'] : '',
  ];
}

export function indicatorSetCsv(report: IndicatorReport, set: IndicatorSetResult): string {
  const records: string[][] = [];
  for (const ind of set.indicators) {
    records.push(row(report, set, ind, ind));
    for (const c of ind.breakdown) records.push(row(report, set, ind, c, c));
  }
  return stringify(records, {
    header: true,
    columns: [...CSV_COLUMNS],
    delimiter: ';',
    record_delimiter: 'windows',
    bom: true,
    // A label starting with = + - @ stays text in a spreadsheet, never a formula.
    escape_formulas: true,
  });
}

/** kennzahlen-arrival_counselling-2019.csv; a period such as 2019-01-01/2019-06-30 with "_" for "/". */
export function csvFileName(report: IndicatorReport, set: IndicatorSetResult): string {
  return `kennzahlen-${set.offer}-${report.period.label.replace(/[^0-9A-Za-z-]+/g, '_')}.csv`;
}
