import { Document, isScalar, isSeq, Pair, Scalar, visit } from 'yaml';
import {
  asText,
  CityConfig,
  compact,
  CONFIG_VERSION,
  Section,
  SECTION_NOUN,
  SECTIONS,
  SORT_FIELDS,
} from './configuration.format';

type Row = Record<string, unknown>;

/** What the configuration service's snapshot holds, as far as the file is concerned. */
export interface ConfigurationRows {
  partners: Row[];
  legalBases: Row[];
  agreements: Row[];
  retentionRules: Row[];
}

const SECTION_ROWS: Record<Section, keyof ConfigurationRows> = {
  partners: 'partners',
  legalBases: 'legalBases',
  cooperationAgreements: 'agreements',
  retentionRules: 'retentionRules',
};

/** Whether a row is still in force (revoked bases and removed rows are history, not configuration). */
export const isCurrent = (row: Row): boolean => !row.revokedAt && !row.removedAt;

/**
 * The configuration as the file writes it: every section, entries in a stable order (by their
 * natural key), fields at their defaults left out. Applying the result changes nothing.
 */
export function toCityConfig(rows: ConfigurationRows): CityConfig {
  const config: CityConfig = { version: CONFIG_VERSION };
  for (const section of SECTIONS) {
    const entries = rows[SECTION_ROWS[section]]
      .filter(isCurrent)
      .map((row) => compact(section, row))
      .sort((a, b) => compareKeys(sortKey(section, a), sortKey(section, b)));
    (config as unknown as Record<string, unknown>)[section] = entries;
  }
  return config;
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sortKey = (section: Section, e: Row): string => SORT_FIELDS[section].map((f) => asText(e[f])).join('\u0000');

/** Section titles written above each list in the file (German: city staff edit it). */
const SECTION_TITLE: Record<Section, string> = {
  partners: ' Partner: angeschlossene Stellen und Organisationen',
  legalBases: ' Rechtsgrundlagen (Verzeichnis der Verarbeitungstätigkeiten, Art. 30 DSGVO)',
  cooperationAgreements: ' Kooperationsvereinbarungen: Fristen für Vermittlungen',
  retentionRules: ' Löschregeln: Aufbewahrungsfristen',
};

/**
 * YAML text of a configuration: lists of codes in one line (`scopes: [persons:read, …]`), a
 * blank line between entries, a title above each section. `header` becomes the leading comment.
 */
export function formatCityConfig(config: CityConfig, header?: string): string {
  const doc = new Document(config);
  if (header) doc.commentBefore = header;
  visit(doc, {
    Seq(_, seq, path) {
      // Lists of scalars (codes, AGS) in flow style; lists of entries as blocks.
      if (path.length > 2 && seq.items.every((i) => isScalar(i))) seq.flow = true;
    },
    Pair(_, pair: Pair) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      if ((SECTIONS as readonly string[]).includes(key)) {
        pair.key.spaceBefore = true;
        pair.key.commentBefore = SECTION_TITLE[key as Section];
        if (isSeq(pair.value)) pair.value.items.forEach((item, i) => i > 0 && ((item as Scalar).spaceBefore = true));
      }
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

/** For messages: `3 partners`, `1 legal basis`. */
export function countNoun(section: Section, n: number): string {
  const noun = SECTION_NOUN[section];
  if (n === 1) return `1 ${noun}`;
  return `${n} ${noun === 'legal basis' ? 'legal bases' : `${noun}s`}`;
}
