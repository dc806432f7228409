/**
 * The city's configuration as a file (`city.yaml`): partners, legal bases, cooperation agreements
 * and retention rules. Field names are those of the configuration service's inputs; there are no
 * ids, entries are matched by their natural keys, so one file serves every environment.
 */
export const CONFIG_VERSION = 1;

export interface PartnerEntry {
  slug: string;
  name: string;
  kind: string;
  legalDomains: string[];
  municipalityKey: string;
  jurisdiction: string[];
  scopes: string[];
  purposes: string[];
  /** A function mailbox of the team: name, email, phone. */
  contact?: { name?: string; email?: string; phone?: string } | null;
  active?: boolean;
}

export interface LegalBasisEntry {
  recipientPartner: string;
  category: string;
  purpose: string;
  statute: string;
  description: string;
  sourcePartner?: string | null;
  whileReferralOpen?: boolean;
  validFrom?: string;
  validUntil?: string | null;
}

export interface AgreementEntry {
  name: string;
  receiver: string;
  referralType: string;
  acknowledgeDays?: number | null;
  decideDays?: number | null;
  startDays?: number | null;
  escalateTo?: string | null;
  onBreach?: string;
  validFrom: string;
  validUntil?: string | null;
  statuteOrDecision: string;
}

export interface RetentionRuleEntry {
  recordType: string;
  category: string;
  /** Absent or null: any purpose. */
  purpose?: string | null;
  retainDays: number;
  action: string;
  description: string;
  statute: string;
}

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
 * The fields that make up each entry, in the order the export writes them (and the diff lists
 * changes in). Everything else the service returns (ids, timestamps) is not part of the file.
 */
export const FIELDS: { [S in Section]: ReadonlyArray<string> } = {
  partners: [
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
  ],
  legalBases: [
    'recipientPartner',
    'purpose',
    'category',
    'sourcePartner',
    'whileReferralOpen',
    'validFrom',
    'validUntil',
    'statute',
    'description',
  ],
  cooperationAgreements: [
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
  ],
  retentionRules: ['recordType', 'category', 'purpose', 'retainDays', 'action', 'statute', 'description'],
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
