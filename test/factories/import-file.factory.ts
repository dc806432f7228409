import fs from 'node:fs';
import { once } from 'node:events';
import { COLUMNS } from '../../src/import/person-import.row';

/**
 * Invented persons for import files (tests and the import benchmark): deterministic, row `i` is
 * the same on every run; every third row starts a household of up to three. Names are combined
 * from short lists, identifiers numbered from `azrBase`.
 */
const GIVEN = [
  'Amal',
  'Dawit',
  'Lina',
  'Omar',
  'Samira',
  'Yonas',
  'Fatima',
  'Hamid',
  'Nour',
  'Tesfay',
  'Rania',
  'Ilir',
];
const FAMILY = ['Beispiel', 'Musterfeld', 'Probst', 'Testadi', 'Erfunden', 'Fiktiva', 'Samplar', 'Nimmerland'];
const STREETS = ['Emsstraße', 'Lingener Straße', 'Bahnhofstraße', 'Münsterstraße', 'Kardinal-Galen-Ring'];
const STATUSES = ['recognised_refugee', 'subsidiary_protection', 'residence_permit_family', 'settlement_permit'];

export type ImportRow = Partial<Record<(typeof COLUMNS)[number], string>>;

export function importRow(i: number, opts: { azrBase?: number; overrides?: ImportRow } = {}): ImportRow {
  const azr = String((opts.azrBase ?? 100_000_000_000) + i).padStart(12, '0');
  return {
    given_name: GIVEN[i % GIVEN.length],
    family_name: `${FAMILY[i % FAMILY.length]}-${i}`,
    name_variants: i % 5 === 0 ? `${GIVEN[(i + 1) % GIVEN.length]};${GIVEN[(i + 2) % GIVEN.length]}` : '',
    birth_date: `${1960 + (i % 45)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    sex: i % 2 ? 'female' : 'male',
    nationalities: ['SY', 'AF', 'ER', 'UA', 'IQ'][i % 5],
    languages: ['ar', 'fa;en', 'ti', 'uk;ru', 'ku'][i % 5],
    municipality_key: '05566076',
    street: STREETS[i % STREETS.length],
    house_number: String(1 + (i % 90)),
    postal_code: '48431',
    locality: 'Rheine',
    district: '',
    household: `H${Math.floor(i / 3)}`,
    arrived_on: `${2015 + (i % 8)}-0${1 + (i % 9)}-15`,
    residence_status: STATUSES[i % STATUSES.length],
    residence_valid_from: `${2016 + (i % 8)}-03-01`,
    residence_valid_until: '',
    residence_legal_basis: '',
    azr_number: azr,
    ...opts.overrides,
  };
}

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A CSV line for a row, in COLUMNS order. */
export const csvLine = (row: ImportRow): string => COLUMNS.map((c) => csvField(row[c] ?? '')).join(',');

export const CSV_HEADER = COLUMNS.join(',');

/** Writes a CSV of `rows` (streamed: fine for 100 000 rows). */
export async function writeImportCsv(file: string, rows: Iterable<ImportRow>): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(`${CSV_HEADER}\n`);
  for (const row of rows) if (!out.write(`${csvLine(row)}\n`)) await once(out, 'drain');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Rows `from` … `from + count - 1`. */
export function* importRows(count: number, opts: { from?: number; azrBase?: number } = {}): Iterable<ImportRow> {
  for (let i = opts.from ?? 0; i < (opts.from ?? 0) + count; i++) yield importRow(i, opts);
}
