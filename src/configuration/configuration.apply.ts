import { EntityManager } from 'typeorm';
import { Actor } from '../shared/actor';
import { AppError } from '../shared/errors';
import { isoDay } from '../shared/time';
import { ConfigurationService } from '../subgraphs/hub/admin/configuration.service';
import {
  AgreementSpec,
  Change,
  LegalBasisSpec,
  PartnerSpec,
  RetentionRuleSpec,
} from '../subgraphs/hub/admin/admin.types';
import { addedLine, changedLine, DiffLine, removedLine } from './configuration.diff';
import { asText, complete, entryLabel, naturalKey, Section, SECTIONS } from './configuration.format';
import { ConfigFileError, ParsedConfig } from './configuration.parse';

type Row = Record<string, unknown>;

export interface ApplyOptions {
  /** Run everything, report the diff, write nothing (the transaction is rolled back). */
  dryRun?: boolean;
  /** Also remove what the file's sections no longer name. */
  prune?: boolean;
}

export interface ApplyResult {
  lines: DiffLine[];
  /** Whether the changes were committed (false in a dry run, and when there was nothing to do). */
  written: boolean;
}

/** Thrown inside the transaction to roll a dry run back; carries what it would have done. */
class DryRun extends Error {
  constructor(readonly lines: DiffLine[]) {
    super('dry run');
  }
}

/**
 * Applies a city configuration through the configuration service, all of it in one transaction:
 * every entry is validated, written and audited by the service, or nothing is written at all.
 * Entries are matched by their natural keys; an entry equal to what is stored writes nothing,
 * so applying the same file twice changes nothing the second time. With `prune`, what the file's
 * sections no longer name is removed first (retention rules removed, agreements ended, legal
 * bases revoked, partners deactivated), so a replacement (a basis with a new start date) does
 * not overlap the entry it replaces. A dry run does the same work and rolls it back, so it
 * reports exactly what the service would accept.
 *
 * A refusal of the service becomes a ConfigFileError naming the entry's place in the file.
 */
export async function applyCityConfig(
  service: ConfigurationService,
  actor: Actor,
  parsed: ParsedConfig,
  opts: ApplyOptions = {},
  now = new Date(),
): Promise<ApplyResult> {
  const removals = opts.prune ? await pruneList(service, actor, parsed, now) : [];
  try {
    const lines = await service.transaction(async (em) => {
      const lines: DiffLine[] = [];
      for (const { section, row } of removals) {
        const change = await attempt(parsed, [], section, row, () => remove(service, actor, section, row, em));
        if (change.changed) lines.push(removedLine(section, row));
      }
      for (const section of SECTIONS) {
        const entries = parsed.config[section] ?? [];
        for (let i = 0; i < entries.length; i++) {
          const entry = complete(section, entries[i]);
          const change = await attempt(parsed, [section, i], section, entry, () =>
            upsert(service, actor, section, entry, em),
          );
          if (!change.changed) continue;
          const after = (change.after ?? entry) as Row;
          lines.push(change.before ? changedLine(section, change.before as Row, after) : addedLine(section, after));
        }
      }
      if (opts.dryRun) throw new DryRun(lines);
      return lines;
    });
    return { lines, written: lines.length > 0 };
  } catch (err) {
    if (err instanceof DryRun) return { lines: err.lines, written: false };
    throw err;
  }
}

/** What the file's sections no longer name and is still in force, in the order it is removed. */
async function pruneList(
  service: ConfigurationService,
  actor: Actor,
  parsed: ParsedConfig,
  now: Date,
): Promise<Array<{ section: Section; row: Row }>> {
  const snapshot = await service.snapshot(actor);
  const today = isoDay(now);
  const current: Record<Section, Row[]> = {
    partners: (snapshot.partners as unknown as Row[]).filter((p) => p.active),
    legalBases: (snapshot.legalBases as unknown as Row[]).filter((b) => !b.revokedAt),
    cooperationAgreements: (snapshot.agreements as unknown as Row[]).filter(
      (a) => a.validUntil === null || asText(a.validUntil) >= today,
    ),
    retentionRules: snapshot.retentionRules as unknown as Row[],
  };
  const out: Array<{ section: Section; row: Row }> = [];
  // Dependents first: a partner goes after the bases and agreements that name it.
  for (const section of ['retentionRules', 'cooperationAgreements', 'legalBases', 'partners'] as const) {
    const entries = parsed.config[section];
    if (!entries) continue; // a section the file leaves out is not managed by it
    const named = new Set(entries.map((e) => naturalKey(section, e)));
    for (const row of current[section]) if (!named.has(naturalKey(section, row))) out.push({ section, row });
  }
  return out;
}

function upsert(
  service: ConfigurationService,
  actor: Actor,
  section: Section,
  entry: Row,
  em: EntityManager,
): Promise<Change<unknown>> {
  switch (section) {
    case 'partners':
      return service.upsertPartner(actor, entry as unknown as PartnerSpec, em);
    case 'legalBases':
      return service.upsertLegalBasis(actor, entry as unknown as LegalBasisSpec, em);
    case 'cooperationAgreements':
      return service.upsertCooperationAgreement(actor, entry as unknown as AgreementSpec, em);
    case 'retentionRules':
      return service.upsertRetentionRule(actor, entry as unknown as RetentionRuleSpec, em);
  }
}

function remove(
  service: ConfigurationService,
  actor: Actor,
  section: Section,
  row: Row,
  em: EntityManager,
): Promise<Change<unknown>> {
  switch (section) {
    case 'partners':
      return service.deactivatePartner(actor, asText(row.slug), em);
    case 'legalBases':
      return service.revokeLegalBasis(actor, asText(row.id), em);
    case 'cooperationAgreements':
      return service.endCooperationAgreement(actor, asText(row.id), em);
    case 'retentionRules':
      return service.removeRetentionRule(actor, asText(row.id), em);
  }
}

/** Runs one write; a refusal names the entry and, through the field, its place in the file. */
async function attempt<T>(
  parsed: ParsedConfig,
  path: Array<string | number>,
  section: Section,
  entry: Row,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const field = typeof err.extensions.field === 'string' && path.length ? err.extensions.field : '';
    const at = [...path, ...field.split('.').filter(Boolean)];
    const label = entryLabel(section, entry);
    const message = path.length ? `${label}: ${err.message}` : `cannot remove ${label}: ${err.message}`;
    throw new ConfigFileError(parsed.file, [{ path: at, ...(path.length ? parsed.locate(at) : noPlace), message }]);
  }
}

const noPlace = { line: 0, col: 0 };
