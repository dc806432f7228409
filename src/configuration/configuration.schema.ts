import { BREACH_ACTIONS } from '../subgraphs/hub/agreement/agreement.rules';
import { LegalDomain, PartnerKind } from '../subgraphs/hub/partner/partner.types';
import { DATA_CATEGORIES, PURPOSES } from '../policy/policy.vocabulary';
import { RECORD_TYPES, RETENTION_ACTIONS } from '../retention/retention.types';
import { SCOPES } from '../shared/scopes';
import {
  AgreementEntry,
  CONFIG_VERSION,
  DEFAULT_BASIS_VALID_FROM,
  LegalBasisEntry,
  PartnerEntry,
  RetentionRuleEntry,
} from './configuration.format';

/** Written by `lotse compose` next to the SDL; editors validate city.yaml against it. */
export const CITY_SCHEMA_FILE = 'city-config.schema.json';

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Datum (date), z. B. 2026-01-31' };
const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
const partnerRef = (description: string) => ({ type: 'string', pattern: SLUG_PATTERN, description });
const nullable = (schema: Record<string, unknown>) => ({ ...schema, type: [schema.type as string, 'null'] });
const text = (description: string) => ({ type: 'string', minLength: 1, description });
const days = (description: string) => ({ type: ['integer', 'null'], minimum: 0, maximum: 3650, description });

/**
 * The JSON Schema (draft-07: the draft editors support best) of city.yaml. Its enums come from
 * the code's vocabularies, so the committed file changes with them (and a test fails when it was
 * not regenerated). Each entry's properties are checked against its type, so a field of a spec
 * the schema does not describe fails to compile. Descriptions in German, for the city's staff,
 * with the English term.
 */
export function cityConfigSchema(): Record<string, unknown> {
  const vocabulary = {
    kind: { type: 'string', enum: Object.values(PartnerKind), description: 'Art des Partners (partner kind)' },
    legalDomain: {
      type: 'string',
      enum: Object.values(LegalDomain),
      description: 'Rechtskreis, nach dem der Partner handelt (legal domain); none für freie Träger',
    },
    scope: { type: 'string', enum: [...SCOPES], description: 'Berechtigung seiner Zugangstoken (OAuth2 scope)' },
    purpose: { type: 'string', enum: [...PURPOSES], description: 'Zweck der Verarbeitung (purpose)' },
    category: { type: 'string', enum: [...DATA_CATEGORIES], description: 'Datenkategorie (data category)' },
    ags: {
      type: 'string',
      pattern: '^\\d{2,8}$',
      description:
        "Amtlicher Gemeindeschlüssel oder sein Anfang (AGS prefix), in Anführungszeichen: '05566076' Rheine, '05566' Kreis Steinfurt",
    },
  };
  const ref = (name: keyof typeof vocabulary) => ({ $ref: `#/definitions/${name}` });
  const list = (name: keyof typeof vocabulary, description: string, minItems = 1) => ({
    type: 'array',
    items: ref(name),
    minItems,
    uniqueItems: true,
    description,
  });

  const partner = {
    type: 'object',
    title: 'Partner',
    description: 'Eine angeschlossene Stelle oder Organisation (partner). Schlüssel: slug.',
    additionalProperties: false,
    required: ['slug', 'name', 'kind', 'legalDomains', 'municipalityKey', 'jurisdiction', 'scopes', 'purposes'],
    properties: {
      slug: partnerRef('Kurzname, eindeutig; steht in den Zugangstoken (partner slug), z. B. vhs-rheine'),
      name: text('Name der Stelle'),
      kind: ref('kind'),
      legalDomains: list('legalDomain', 'Rechtskreise (legal domains)'),
      municipalityKey: { ...vocabulary.ags, description: "AGS des Sitzes (seat), z. B. '05566076'" },
      jurisdiction: list('ags', 'Zuständigkeitsgebiet: AGS-Präfixe der bedienten Gemeinden (jurisdiction)'),
      scopes: list('scope', 'Berechtigungen seiner Zugangstoken (scopes)', 0),
      purposes: list('purpose', 'Zwecke, die seine Anfragen nennen dürfen; der erste ist der Standard (purposes)'),
      contact: {
        type: ['object', 'null'],
        additionalProperties: false,
        description: 'Ansprechstelle: Funktionspostfach des Teams, keine persönliche Adresse (contact)',
        properties: {
          name: { type: 'string', maxLength: 200, description: 'Name des Teams' },
          email: { type: 'string', maxLength: 200, description: 'Funktionsadresse (e-mail)' },
          phone: { type: 'string', maxLength: 30, description: 'Telefon' },
        },
      },
      active: {
        type: 'boolean',
        default: true,
        description: 'false: Partner ist deaktiviert, seine Token werden sofort abgewiesen (active)',
      },
    } satisfies Record<keyof PartnerEntry, unknown>,
  };
  const legalBasis = {
    type: 'object',
    title: 'Legal basis',
    description:
      'Rechtsgrundlage: erlaubt einem Empfänger, eine Datenkategorie für einen Zweck zu verarbeiten; zugleich Eintrag im Verzeichnis der Verarbeitungstätigkeiten (Art. 30 DSGVO). Schlüssel: recipientPartner, category, purpose, sourcePartner, whileReferralOpen, validFrom.',
    additionalProperties: false,
    required: ['recipientPartner', 'category', 'purpose', 'statute', 'description'],
    properties: {
      recipientPartner: partnerRef('Empfänger (recipient partner)'),
      category: ref('category'),
      purpose: ref('purpose'),
      sourcePartner: nullable(
        partnerRef('Übermittelnde Stelle bei einer Übermittlung; leer bei eigener Erhebung (source partner)'),
      ),
      whileReferralOpen: {
        type: 'boolean',
        default: false,
        description:
          'true: gilt nur für Personen, die an den Empfänger vermittelt sind, solange die Vermittlung offen ist (while a referral is open)',
      },
      validFrom: { ...DATE, default: DEFAULT_BASIS_VALID_FROM, description: 'Gültig ab (valid from)' },
      validUntil: nullable({ ...DATE, description: 'Gültig bis; leer: unbefristet (valid until)' }),
      statute: text('Norm, z. B. § 69 Abs. 1 Nr. 1 SGB X (statute)'),
      description: text('Beschreibung der Verarbeitung (description)'),
    } satisfies Record<keyof LegalBasisEntry, unknown>,
  };
  const agreement = {
    type: 'object',
    title: 'Cooperation agreement',
    description:
      'Kooperationsvereinbarung: welche Stelle welche Art von Vermittlung in wie vielen Kalendertagen beantwortet und an wen eskaliert wird. Schlüssel: receiver, referralType, validFrom.',
    additionalProperties: false,
    required: ['name', 'receiver', 'referralType', 'validFrom', 'statuteOrDecision'],
    properties: {
      name: text('Name der Vereinbarung'),
      receiver: partnerRef('Stelle, die antwortet (receiver)'),
      referralType: {
        type: 'string',
        pattern: '^[a-z][a-z0-9_]{1,62}$',
        description: 'Art der Vermittlung, z. B. benefit_handover, integration_course (referral type)',
      },
      acknowledgeDays: days('Kalendertage vom Senden bis zur Empfangsbestätigung (acknowledge)'),
      decideDays: days('Kalendertage vom Senden bis zur Annahme oder Ablehnung (decide)'),
      startDays: days('Kalendertage vom Senden bis zum Beginn der Hilfe (start)'),
      escalateTo: nullable(partnerRef('Stelle, die bei Fristablauf benachrichtigt wird (escalate to)')),
      onBreach: {
        type: 'string',
        enum: [...BREACH_ACTIONS],
        default: 'escalate',
        description: 'Bei Fristablauf: escalate (benachrichtigen) oder expire (Vermittlung verfällt)',
      },
      validFrom: { ...DATE, description: 'Gültig ab (valid from)' },
      validUntil: nullable({ ...DATE, description: 'Gültig bis; leer: unbefristet (valid until)' }),
      statuteOrDecision: text('Beschluss oder Norm, auf der sie beruht (statute or decision)'),
    } satisfies Record<keyof AgreementEntry, unknown>,
  };
  const retentionRule = {
    type: 'object',
    title: 'Retention rule',
    description:
      'Löschregel: wie lange eine Art von Datensatz aufbewahrt wird und was danach geschieht. Schlüssel: recordType, category, purpose.',
    additionalProperties: false,
    required: ['recordType', 'category', 'retainDays', 'action', 'description', 'statute'],
    properties: {
      recordType: {
        type: 'string',
        enum: [...RECORD_TYPES],
        description: 'Art des Datensatzes (record type)',
      },
      category: ref('category'),
      purpose: {
        type: ['string', 'null'],
        enum: [...PURPOSES, null],
        description: 'Zweck; leer: jeder Zweck. Eine Regel mit Zweck geht der ohne vor (purpose)',
      },
      retainDays: {
        type: 'integer',
        minimum: 1,
        description: 'Aufbewahrungsfrist in Tagen ab dem Bezugsdatum des Datensatzes (retain days)',
      },
      action: {
        type: 'string',
        enum: [...RETENTION_ACTIONS],
        description: 'Danach: erase (löschen) oder pseudonymise (pseudonymisieren)',
      },
      description: text('Beschreibung der Regel'),
      statute: text('Rechtsgrundlage der Frist (statute)'),
    } satisfies Record<keyof RetentionRuleEntry, unknown>,
  };

  const section = (item: unknown, description: string) => ({ type: 'array', items: item, description });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Lotse city configuration (city.yaml)',
    description:
      'Konfiguration einer Stadt für Lotse: Partner, Rechtsgrundlagen, Kooperationsvereinbarungen und Löschregeln. Anwenden mit `lotse apply -f city.yaml`, auslesen mit `lotse export`. Einträge tragen keine ids; sie werden über ihre Schlüssel zugeordnet. Ein fehlender Abschnitt wird nicht verwaltet (auch nicht von --prune).',
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: {
      version: { const: CONFIG_VERSION, description: 'Version des Dateiformats (file format version): 1' },
      partners: section({ $ref: '#/definitions/partner' }, 'Partner (partners)'),
      legalBases: section({ $ref: '#/definitions/legalBasis' }, 'Rechtsgrundlagen (legal bases)'),
      cooperationAgreements: section(
        { $ref: '#/definitions/agreement' },
        'Kooperationsvereinbarungen (cooperation agreements)',
      ),
      retentionRules: section({ $ref: '#/definitions/retentionRule' }, 'Löschregeln (retention rules)'),
    },
    definitions: { partner, legalBasis, agreement, retentionRule, ...vocabulary },
  };
}

/** The committed file's text: stable key order, two-space indent, final newline. */
export const cityConfigSchemaText = (): string => `${JSON.stringify(cityConfigSchema(), null, 2)}\n`;
