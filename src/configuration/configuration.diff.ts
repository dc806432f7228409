import { asText, entryLabel, FIELDS, Section } from './configuration.format';

type Row = Record<string, unknown>;

/** One line of `lotse apply`'s output: what the file adds, changes or removes. */
export interface DiffLine {
  op: '+' | '~' | '-';
  section: Section;
  text: string;
}

/** What a removal does to each kind of entry (nothing is deleted outright except a retention rule). */
const REMOVAL: Record<Section, string> = {
  partners: 'deactivated',
  legalBases: 'revoked',
  cooperationAgreements: 'ended',
  retentionRules: 'removed',
};

/** Key order does not matter for the contact object; undefined and null are the same. */
const canonical = (v: unknown): string =>
  JSON.stringify(v ?? null, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Row).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/** The file's fields of an entry whose values differ between the two rows. */
export function changedFields(section: Section, before: Row, after: Row): string[] {
  return FIELDS[section].filter((f) => canonical(before[f]) !== canonical(after[f]));
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (Array.isArray(v)) return `[${v.map(asText).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return asText(v);
}

/**
 * `~ partner vhs-rheine: name "A" → "B"; scopes [a] → [a, b]`. A partner's contact is shown as
 * set, changed or removed, not by value (the audit log records it the same way).
 */
function change(field: string, before: unknown, after: unknown): string {
  if (field === 'contact') {
    if (before == null) return 'contact set';
    return after == null ? 'contact removed' : 'contact changed';
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    // A long list with one value more or less reads better as that value: `scopes +audit:read`.
    const added = after.filter((v) => !before.includes(v)).map((v) => `+${asText(v)}`);
    const removed = before.filter((v) => !after.includes(v)).map((v) => `-${asText(v)}`);
    if (added.length + removed.length) return `${field} ${[...added, ...removed].join(' ')}`;
  }
  return `${field} ${show(before)} → ${show(after)}`;
}

export function addedLine(section: Section, after: Row): DiffLine {
  return { op: '+', section, text: `+ ${entryLabel(section, after)}` };
}

export function changedLine(section: Section, before: Row, after: Row): DiffLine {
  const parts = changedFields(section, before, after).map((f) => change(f, before[f], after[f]));
  return { op: '~', section, text: `~ ${entryLabel(section, after)}: ${parts.join('; ')}` };
}

export function removedLine(section: Section, before: Row): DiffLine {
  return { op: '-', section, text: `- ${entryLabel(section, before)} (${REMOVAL[section]})` };
}

/** `2 added, 1 changed, 3 removed`, or `nothing to change`. */
export function summary(lines: DiffLine[]): string {
  if (!lines.length) return 'nothing to change';
  const count = (op: DiffLine['op']) => lines.filter((l) => l.op === op).length;
  return `${count('+')} added, ${count('~')} changed, ${count('-')} removed`;
}
