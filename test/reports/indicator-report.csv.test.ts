import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, csvFileName, indicatorSetCsv } from '../../src/reports/indicator-report.csv';
import type { IndicatorFigure, IndicatorUnit } from '../../src/subgraphs/hub/indicator/indicator.model';
import { fixtureReport, HOSTILE_LABEL } from './indicator-report.fixture';

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

/** The CSV as a German spreadsheet reads it: BOM, `;`, decimal comma. */
export function parseIndicatorCsv(text: string): Row[] {
  return parse<Row>(text, { bom: true, delimiter: ';', columns: true, skip_empty_lines: true });
}

/** What the CSV should hold for a figure: percent for shares, one decimal, comma. */
function expected(unit: IndicatorUnit, f: IndicatorFigure): Partial<Row> {
  if (f.suppressed)
    return {
      wert: '',
      zaehler: '',
      nenner: '',
      unterdrueckt: 'ja',
      grund: f.suppression === 'complement' ? 'gesperrt' : 'kleine Zahl',
    };
  const v =
    f.value === null
      ? ''
      : unit === 'count'
        ? String(f.value)
        : (Math.round((unit === 'share' ? f.value * 100 : f.value) * 10) / 10).toFixed(1).replace('.', ',');
  return {
    wert: v,
    zaehler: f.numerator === null ? '' : String(f.numerator),
    nenner: f.denominator === null ? '' : String(f.denominator),
    unterdrueckt: 'nein',
    grund: '',
  };
}

describe('indicator report CSV', () => {
  const report = fixtureReport();

  it('holds every figure of its set, a row per figure and per category; suppressed rows have empty values', () => {
    for (const set of report.sets) {
      const text = indicatorSetCsv(report, set);
      expect(text.startsWith('\uFEFFzeitraum;angebot;kennzahl;')).toBe(true);
      expect(text).toContain('\r\n');
      const rows = parseIndicatorCsv(text);
      const figures = set.indicators.flatMap((i) => [
        { i, c: undefined, f: i },
        ...i.breakdown.map((c) => ({ i, c, f: c })),
      ]);
      expect(rows).toHaveLength(figures.length);
      for (const { i, c, f } of figures) {
        const row = rows.find((r) => r.schluessel === i.key && r.kategorie_schluessel === (c?.key ?? ''));
        expect(row).toMatchObject({
          zeitraum: '2019',
          angebot: set.label,
          kennzahl: i.label,
          kategorie: c?.label ?? '',
          ...expected(i.unit, f),
        });
      }
    }
  });

  it('writes shares as percent and durations with their range, German style', () => {
    const [arrival, cases] = report.sets.map((s) => parseIndicatorCsv(indicatorSetCsv(report, s)));
    expect(arrival.find((r) => r.schluessel === 'arrival.follow_up_in_time')).toMatchObject({
      wert: '51,3',
      einheit: 'Prozent',
      zaehler: '60',
      nenner: '117',
    });
    expect(cases.find((r) => r.schluessel === 'cases.duration')).toMatchObject({
      wert: '6,0',
      einheit: 'Monate',
      minimum: '4,0',
      maximum: '8,0',
    });
    // The label with quotes and a semicolon-free payload survives the round trip unchanged.
    expect(arrival.find((r) => r.kategorie_schluessel === 'housing')?.kategorie).toBe(HOSTILE_LABEL);
  });

  it('never writes a suppressed number, even if one is handed over', () => {
    const set = report.sets[1];
    const leaky = {
      ...set,
      indicators: set.indicators.map((i) => ({
        ...i,
        ...(i.suppressed ? { value: 0.4321, numerator: 4321, denominator: 9876, min: 4321, max: 9876 } : {}),
        breakdown: i.breakdown.map((c) =>
          c.suppressed ? { ...c, value: 4321, numerator: 4321, denominator: 9876 } : c,
        ),
      })),
    };
    const text = indicatorSetCsv(report, leaky);
    expect(text).not.toMatch(/4321|9876|43,2/);
    expect(parseIndicatorCsv(text).filter((r) => r.unterdrueckt === 'ja')).toHaveLength(3);
  });

  it('keeps a label starting with = from becoming a formula, and names files by set and period', () => {
    const set = { ...report.sets[0], label: '=HYPERLINK("x")' };
    expect(indicatorSetCsv(report, set)).toContain(`'=HYPERLINK`);
    const half = fixtureReport({ period: { from: '2019-01-01', to: '2019-06-30', label: '2019-01-01/2019-06-30' } });
    expect(csvFileName(half, half.sets[0])).toBe('kennzahlen-arrival_counselling-2019-01-01_2019-06-30.csv');
  });
});
