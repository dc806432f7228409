/**
 * The city's configuration as a file (`city.yaml`): partners, legal bases, cooperation agreements
 * and retention rules. Field names are those of the configuration service's inputs; there are no
 * ids, entries are matched by their natural keys, so one file serves every environment.
 */
import type {
  AgreementSpec,
  ContactSpec,
  LegalBasisSpec,
  PartnerSpec,
  RetentionRuleSpec,
} from '../subgraphs/hub/admin/admin.types';

export const CONFIG_VERSION = 1;

/**
 * An entry of the file is the spec the configuration service takes, without its id: a field added
 * to a spec is a field of the file. `Narrowed` names the fields the file writes more strictly than
 * the service accepts them (where the schema admits no null, or requires what the service defaults);
 * each must stay assignable to the spec's field.
 */
type FileEntry<
  Spec,
  Narrowed extends { [K in keyof Narrowed]: K extends keyof Spec ? Spec[K] : never } = Record<never, never>,
> = Omit<Spec, 'id' | keyof Narrowed> & Narrowed;

/** The file writes each contact field as text or leaves it out. */
type ContactEntry = { [K in keyof ContactSpec]?: NonNullable<ContactSpec[K]> };

export type PartnerEntry = FileEntry<PartnerSpec, { contact?: ContactEntry | null; active?: boolean }>;

export type LegalBasisEntry = FileEntry<LegalBasisSpec, { whileReferralOpen?: boolean; validFrom?: string }>;

/** validFrom is required in the file: "today" would make the key move with the day it is applied. */
export type AgreementEntry = FileEntry<AgreementSpec, { onBreach?: string; validFrom: string }>;

export type RetentionRuleEntry = FileEntry<RetentionRuleSpec>;

/**
 * A section the file leaves out is not managed by it (`--prune` leaves that kind alone); an
 * empty list manages it and, with `--prune`, removes all of it.
 */
export interface CityConfig {
  version: typeof CONFIG_VERSION;
  partners?: PartnerEntry[];
  legalBases?: LegalBasisEntry[];
  cooperationAgreements?: AgreementEntry[];
  retentionRules?: RetentionRuleEntry[];
}

export const SECTIONS = ['partners', 'legalBases', 'cooperationAgreements', 'retentionRules'] as const;
export type Section = (typeof SECTIONS)[number];

/** What the diff calls an entry of each section. */
export const SECTION_NOUN: Record<Section, string> = {
  partners: 'partner',
  legalBases: 'legal basis',
  cooperationAgreements: 'agreement',
  retentionRules: 'retention rule',
};

/** A legal basis without validFrom holds from this day (the register's convention for "always"). */
export const DEFAULT_BASIS_VALID_FROM = '2000-01-01';

/**
 * A list of an entry's fields that must name every one of them: a field added to a spec (and so
 * to its entry) and not listed here fails to compile instead of being dropped from the file.
 */
const everyField =
  <E>() =>
  <const F extends ReadonlyArray<keyof E & string>>(
    fields: F & ([Exclude<keyof E, F[number]>] extends [never] ? unknown : { missing: Exclude<keyof E, F[number]> }),
  ): F =>
    fields;

/**
 * The fields that make up each entry, in the order the export writes them (and the diff lists
 * changes in). Everything else the service returns (ids, timestamps) is not part of the file.
 */
export const FIELDS: { [S in Section]: ReadonlyArray<string> } = {
  partners: everyField<PartnerEntry>()([
    'slug',
    'name',
    'kind',
    'legalDomains',
    'municipalityKey',
    'jurisdiction',
    'scopes',
    'purposes',
    'contact',
    'active',
  ]),
  legalBases: everyField<LegalBasisEntry>()([
    'recipientPartner',
    'purpose',
    'category',
    'sourcePartner',
    'whileReferralOpen',
    'validFrom',
    'validUntil',
    'statute',
    'description',
  ]),
  cooperationAgreements: everyField<AgreementEntry>()([
    'receiver',
    'referralType',
    'validFrom',
    'validUntil',
    'name',
    'acknowledgeDays',
    'decideDays',
    'startDays',
    'escalateTo',
    'onBreach',
    'statuteOrDecision',
  ]),
  retentionRules: everyField<RetentionRuleEntry>()([
    'recordType',
    'category',
    'purpose',
    'retainDays',
    'action',
    'statute',
    'description',
  ]),
};

type AnyEntry = Record<string, unknown>;

/** A value of the file as text: scalars as written, anything else as JSON; '' for none. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
const str = asText;

/**
 * The natural key of an entry (or of a row the service returned) as one string: partner slug;
 * basis (recipient, category, purpose, source, while-referral-open, valid from); agreement
 * (receiver, referral type, valid from); retention rule (record type, category, purpose).
 */
export function naturalKey(section: Section, e: AnyEntry): string {
  switch (section) {
    case 'partners':
      return str(e.slug);
    case 'legalBases':
      return [
        e.recipientPartner,
        e.category,
        e.purpose,
        str(e.sourcePartner),
        e.whileReferralOpen ? 'referral' : 'general',
        str(e.validFrom) || DEFAULT_BASIS_VALID_FROM,
      ].join('|');
    case 'cooperationAgreements':
      return [e.receiver, e.referralType, str(e.validFrom)].join('|');
    case 'retentionRules':
      return [e.recordType, e.category, str(e.purpose)].join('|');
  }
}

/** The fields entries are sorted by in the export: related entries stand together. */
export const SORT_FIELDS: { [S in Section]: ReadonlyArray<string> } = {
  partners: ['slug'],
  legalBases: ['recipientPartner', 'purpose', 'sourcePartner', 'whileReferralOpen', 'category', 'validFrom'],
  cooperationAgreements: ['receiver', 'referralType', 'validFrom'],
  retentionRules: ['recordType', 'category', 'purpose'],
};

/** How the diff and error messages name an entry, e.g. `legal basis rheine-abh residence_administration/identity`. */
export function entryLabel(section: Section, e: AnyEntry): string {
  const noun = SECTION_NOUN[section];
  switch (section) {
    case 'partners':
      return `${noun} ${str(e.slug)}`;
    case 'legalBases': {
      const from = e.sourcePartner ? ` from ${str(e.sourcePartner)}` : '';
      const open = e.whileReferralOpen ? ' while a referral is open' : '';
      const since = str(e.validFrom) && e.validFrom !== DEFAULT_BASIS_VALID_FROM ? ` since ${str(e.validFrom)}` : '';
      return `${noun} ${str(e.recipientPartner)} ${str(e.purpose)}/${str(e.category)}${from}${open}${since}`;
    }
    case 'cooperationAgreements':
      return `${noun} ${str(e.receiver)} ${str(e.referralType)} since ${str(e.validFrom)}`;
    case 'retentionRules':
      return `${noun} ${str(e.recordType)}/${str(e.category)}/${str(e.purpose) || 'any purpose'}`;
  }
}

/** What a field the file leaves out stands for; the export leaves out fields at these values. */
export const DEFAULTS: { [S in Section]: Readonly<Record<string, unknown>> } = {
  partners: { contact: null, active: true },
  legalBases: { sourcePartner: null, whileReferralOpen: false, validFrom: DEFAULT_BASIS_VALID_FROM, validUntil: null },
  cooperationAgreements: {
    acknowledgeDays: null,
    decideDays: null,
    startDays: null,
    escalateTo: null,
    onBreach: 'escalate',
    validUntil: null,
  },
  retentionRules: { purpose: null },
};

/** Every field of an entry, the defaults filled in, in FIELDS order: what the service is given. */
export function complete(section: Section, entry: AnyEntry): AnyEntry {
  const out: AnyEntry = {};
  for (const f of FIELDS[section]) out[f] = entry[f] ?? DEFAULTS[section][f] ?? entry[f];
  return out;
}

/** An entry as the file writes it: FIELDS order, fields at their default left out. */
export function compact(section: Section, entry: AnyEntry): AnyEntry {
  const out: AnyEntry = {};
  for (const f of FIELDS[section]) {
    const v = entry[f];
    const d = DEFAULTS[section][f];
    // Absent and null both stand for the default in the file.
    if (v === undefined || v === null || (d !== undefined && sameValue(v, d))) continue;
    out[f] = v;
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return (a ?? null) === (b ?? null);
}
