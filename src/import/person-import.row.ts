import { IDENTIFIER_FORMATS } from '../subgraphs/hub/identifier/identifier.service';
import { IdentifierSystem } from '../subgraphs/hub/identifier/identifier.types';
import { ResidenceStatusCode } from '../subgraphs/city/residence/residence.types';
import { Sex } from '../subgraphs/city/person/person.types';
import { horizonDay } from '../subgraphs/shared/validation';
import { isoDay } from '../shared/time';

/**
 * One row of a person import file: the columns (CSV header, or the keys of a JSON line), and the
 * check of a row on its own, before anything is looked up or written. Reasons name what is wrong,
 * never the value: the error report must carry no personal data.
 */

/** Identifier columns, in the order that picks a row's primary identifier (its deterministic person id). */
export const IDENTIFIER_COLUMNS = [
  'azr_number',
  'jobcenter_customer_number',
  'city_resident_id',
  'youth_welfare_case_id',
  'provider_participant_id',
] as const satisfies readonly `${IdentifierSystem}`[];

export const LIST_COLUMNS = ['name_variants', 'nationalities', 'languages'] as const;

export const COLUMNS = [
  'given_name',
  'family_name',
  'name_variants',
  'birth_date',
  'sex',
  'nationalities',
  'languages',
  'municipality_key',
  'street',
  'house_number',
  'postal_code',
  'locality',
  'district',
  'household',
  'arrived_on',
  'residence_status',
  'residence_valid_from',
  'residence_valid_until',
  'residence_legal_basis',
  ...IDENTIFIER_COLUMNS,
] as const;
export type Column = (typeof COLUMNS)[number];

/** Columns a file must have (CSV header); the identifiers are checked per row (at least one). */
export const REQUIRED_COLUMNS: readonly Column[] = ['given_name', 'family_name', 'municipality_key'];

/** A row as read: strings (CSV; lists still `;`-separated) or, from JSON lines, strings, arrays and nulls. */
export type RawRow = Record<string, unknown>;

export interface RowError {
  field: string;
  reason: string;
}

export interface ParsedRow {
  givenName: string;
  familyName: string;
  nameVariants: string[];
  birthDate: string | null;
  sex: Sex;
  nationalities: string[];
  languages: string[];
  municipalityKey: string;
  address: { street?: string; houseNumber?: string; postalCode?: string; locality?: string; district?: string };
  household: string | null;
  arrivedOn: string | null;
  residence: {
    status: ResidenceStatusCode;
    validFrom: string;
    validUntil: string | null;
    legalBasis: string | null;
  } | null;
  /** In IDENTIFIER_COLUMNS order: the first is the primary identifier. */
  identifiers: Array<{ system: IdentifierSystem; value: string }>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGE = /^[a-z]{2,3}$/;
const AGS = /^\d{8}$/;
const MAX_TEXT = 200;

function text(raw: RawRow, column: Column, errors: RowError[]): string {
  const v = raw[column];
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') {
    errors.push({ field: column, reason: 'must be text' });
    return '';
  }
  return v.trim();
}

function list(raw: RawRow, column: Column, errors: RowError[]): string[] {
  const v = raw[column];
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(';') : null;
  if (!items || items.some((i) => typeof i !== 'string')) {
    errors.push({ field: column, reason: 'must be a list of text' });
    return [];
  }
  return (items as string[]).map((i) => i.trim()).filter(Boolean);
}

/** A real calendar day (2001-02-30 is not), or null when empty. */
function day(raw: RawRow, column: Column, errors: RowError[]): string | null {
  const v = text(raw, column, errors);
  if (!v) return null;
  if (!DAY.test(v) || isoDay(new Date(`${v}T00:00:00Z`)) !== v) {
    errors.push({ field: column, reason: 'not a valid date (YYYY-MM-DD)' });
    return null;
  }
  return v;
}

/** Checks one row on its own; `now` for dates in the future. Every refused field is reported. */
export function parseRow(raw: RawRow, now: Date): { row: ParsedRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  for (const key of Object.keys(raw))
    if (!(COLUMNS as readonly string[]).includes(key)) errors.push({ field: key, reason: 'unknown column' });
  const today = isoDay(now);

  const givenName = text(raw, 'given_name', errors);
  const familyName = text(raw, 'family_name', errors);
  for (const [column, v] of [
    ['given_name', givenName],
    ['family_name', familyName],
  ] as const)
    if (!v || v.length > MAX_TEXT) errors.push({ field: column, reason: `required, 1 to ${MAX_TEXT} characters` });

  const birthDate = day(raw, 'birth_date', errors);
  if (birthDate && birthDate > today) errors.push({ field: 'birth_date', reason: 'lies in the future' });
  const arrivedOn = day(raw, 'arrived_on', errors);
  if (arrivedOn && arrivedOn > today) errors.push({ field: 'arrived_on', reason: 'lies in the future' });

  const sexText = text(raw, 'sex', errors) || 'unknown';
  if (!Object.hasOwn(Sex, sexText))
    errors.push({ field: 'sex', reason: `must be one of ${Object.keys(Sex).join(', ')}` });

  const nationalities = list(raw, 'nationalities', errors).map((n) => n.toUpperCase());
  if (!nationalities.every((n) => COUNTRY.test(n)))
    errors.push({ field: 'nationalities', reason: 'must be ISO 3166-1 alpha-2 codes' });
  const languages = list(raw, 'languages', errors).map((l) => l.toLowerCase());
  if (!languages.every((l) => LANGUAGE.test(l))) errors.push({ field: 'languages', reason: 'must be ISO 639-1 codes' });

  const municipalityKey = text(raw, 'municipality_key', errors);
  if (!AGS.test(municipalityKey)) errors.push({ field: 'municipality_key', reason: 'must be an eight-digit AGS' });

  const residence = parseResidence(raw, now, errors);

  const identifiers: ParsedRow['identifiers'] = [];
  for (const system of IDENTIFIER_COLUMNS) {
    const value = text(raw, system, errors);
    if (!value) continue;
    if (!IDENTIFIER_FORMATS[system].test(value)) errors.push({ field: system, reason: `not a valid ${system}` });
    else identifiers.push({ system: system as IdentifierSystem, value });
  }
  if (!identifiers.length && !IDENTIFIER_COLUMNS.some((c) => errors.some((e) => e.field === c)))
    errors.push({ field: 'identifiers', reason: `at least one of ${IDENTIFIER_COLUMNS.join(', ')} is required` });

  const address = {
    street: text(raw, 'street', errors) || undefined,
    houseNumber: text(raw, 'house_number', errors) || undefined,
    postalCode: text(raw, 'postal_code', errors) || undefined,
    locality: text(raw, 'locality', errors) || undefined,
    district: text(raw, 'district', errors) || undefined,
  };
  const nameVariants = list(raw, 'name_variants', errors);
  const household = text(raw, 'household', errors) || null;
  if (errors.length) return { errors };
  return {
    row: {
      givenName,
      familyName,
      nameVariants,
      birthDate,
      sex: sexText as Sex,
      nationalities,
      languages,
      municipalityKey,
      address,
      household,
      arrivedOn,
      residence,
      identifiers,
    },
  };
}

function parseResidence(raw: RawRow, now: Date, errors: RowError[]): ParsedRow['residence'] {
  const status = text(raw, 'residence_status', errors);
  const validFrom = day(raw, 'residence_valid_from', errors);
  const validUntil = day(raw, 'residence_valid_until', errors);
  const legalBasis = text(raw, 'residence_legal_basis', errors) || null;
  if (!status) {
    if (validFrom || validUntil || legalBasis)
      errors.push({ field: 'residence_status', reason: 'required when a residence date or legal basis is given' });
    return null;
  }
  if (!Object.hasOwn(ResidenceStatusCode, status)) {
    errors.push({ field: 'residence_status', reason: 'not a known residence status code' });
    return null;
  }
  const horizon = horizonDay(now);
  if (!validFrom && !errors.some((e) => e.field === 'residence_valid_from'))
    errors.push({ field: 'residence_valid_from', reason: 'required with a residence status' });
  for (const [column, v] of [
    ['residence_valid_from', validFrom],
    ['residence_valid_until', validUntil],
  ] as const)
    if (v && v > horizon) errors.push({ field: column, reason: 'lies more than 10 years ahead' });
  if (validFrom && validUntil && validUntil < validFrom)
    errors.push({ field: 'residence_valid_until', reason: 'lies before residence_valid_from' });
  return { status: status as ResidenceStatusCode, validFrom: validFrom ?? '', validUntil, legalBasis };
}
