import { isCategory, isPurpose } from '../../../policy/policy.vocabulary';
import { validateRules } from '../../../retention/retention.rules';
import { RetentionTask } from '../../../retention/retention.types';
import { isUuid } from '../../../shared/ids';
import { SCOPES } from '../../../shared/scopes';
import { isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { BREACH_ACTIONS, DEADLINE_KINDS } from '../agreement/agreement.rules';
import { CooperationAgreementEntity } from '../agreement/agreement.entity';
import { LegalBasisEntity } from '../legal-basis/legal-basis.entity';
import { PartnerContact, PartnerEntity } from '../partner/partner.entity';
import { LegalDomain, PartnerKind } from '../partner/partner.types';
import { AgreementSpec, LegalBasisSpec, PartnerSpec, RetentionRuleRow, RetentionRuleSpec } from './admin.types';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const AGS_PREFIX = /^\d{2,8}$/;
const REFERRAL_TYPE = /^[a-z][a-z0-9_]{1,62}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const PHONE = /^\+?[0-9 ()/-]{3,30}$/;
const KINDS: readonly string[] = Object.values(PartnerKind);
const DOMAINS: readonly string[] = Object.values(LegalDomain);
/** The scope only an operator partner may hold. */
export const ADMIN_SCOPE = 'admin:manage';
/** Where a legal basis without a start date starts: as far back as the register goes. */
export const BASIS_DEFAULT_FROM = '2000-01-01';

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => (typeof s === 'string' ? s : '')) : []);
const unknownOf = (values: string[], known: readonly string[]) => values.filter((v) => !known.includes(v));
/** A day as 'YYYY-MM-DD' whether the caller passed a Date (GraphQL) or a string (CLI, YAML). */
export const dayText = (v: unknown): string | null =>
  v === undefined || v === null || v === '' ? null : v instanceof Date ? isoDay(v) : typeof v === 'string' ? v : '';

/** The partner row an input describes (createdAt left to the service). Throws BAD_USER_INPUT naming every refused field. */
export function checkPartner(spec: PartnerSpec, knownAreas: ReadonlySet<string>): Omit<PartnerEntity, 'createdAt'> {
  const check = new InputCheck();
  const slug = text(spec.slug);
  check.require(SLUG.test(slug), 'slug must be 2-63 lower-case letters, digits or dashes', 'slug');
  const name = text(spec.name);
  check.require(name.length > 0 && name.length <= 200, 'name must not be empty (at most 200 characters)', 'name');
  check.require(KINDS.includes(spec.kind), `Unknown partner kind ${spec.kind}; known: ${KINDS.join(', ')}`, 'kind');
  const legalDomains = strings(spec.legalDomains);
  const badDomains = unknownOf(legalDomains, DOMAINS);
  check.require(
    legalDomains.length > 0,
    'legalDomains must name at least one (none for no public law)',
    'legalDomains',
  );
  check.require(!badDomains.length, `Unknown legal domains: ${badDomains.join(', ')}`, 'legalDomains');
  const municipalityKey = text(spec.municipalityKey);
  check.require(
    AGS_PREFIX.test(municipalityKey) && knownAreas.has(municipalityKey),
    `Unknown municipality key ${municipalityKey} (not in the municipality register)`,
    'municipalityKey',
  );
  const jurisdiction = strings(spec.jurisdiction);
  const badAreas = jurisdiction.filter((j) => !AGS_PREFIX.test(j) || !knownAreas.has(j));
  check.require(jurisdiction.length > 0, 'jurisdiction must list the AGS prefixes the partner serves', 'jurisdiction');
  check.require(
    !badAreas.length,
    `Unknown jurisdiction prefixes (not in the municipality register): ${badAreas.join(', ')}`,
    'jurisdiction',
  );
  const scopes = strings(spec.scopes);
  const badScopes = unknownOf(scopes, SCOPES);
  check.require(!badScopes.length, `Unknown scopes: ${badScopes.join(', ')}`, 'scopes');
  check.require(
    !scopes.includes(ADMIN_SCOPE) || spec.kind === PartnerKind.operator,
    `${ADMIN_SCOPE} is held only by a partner of kind operator`,
    'scopes',
  );
  const purposes = strings(spec.purposes);
  const badPurposes = purposes.filter((p) => !isPurpose(p));
  check.require(purposes.length > 0, 'purposes must name at least one (the first is the default)', 'purposes');
  check.require(!badPurposes.length, `Unknown purposes: ${badPurposes.join(', ')}`, 'purposes');
  for (const [field, list] of [
    ['legalDomains', legalDomains],
    ['jurisdiction', jurisdiction],
    ['scopes', scopes],
    ['purposes', purposes],
  ] as const) {
    check.require(new Set(list).size === list.length, `${field} names a value twice`, field);
  }
  const contact = checkContact(spec.contact, check);
  check.require(
    spec.active === undefined || spec.active === null || typeof spec.active === 'boolean',
    'active is true or false',
    'active',
  );
  check.done();
  return {
    slug,
    name,
    kind: spec.kind,
    legalDomains,
    municipalityKey,
    jurisdiction,
    scopes,
    purposes,
    contact,
    active: spec.active ?? true,
  };
}

function checkContact(raw: PartnerSpec['contact'], check: InputCheck): PartnerContact | null {
  if (raw === undefined || raw === null) return null;
  const out: { name?: string; email?: string; phone?: string } = {};
  for (const key of ['name', 'email', 'phone'] as const) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || v.trim().length > 200) {
      check.refuse(`contact.${key} must be text of at most 200 characters`, `contact.${key}`);
      continue;
    }
    out[key] = v.trim();
  }
  if (out.email !== undefined)
    check.require(EMAIL.test(out.email), 'contact.email is not an e-mail address', 'contact.email');
  if (out.phone !== undefined)
    check.require(PHONE.test(out.phone), 'contact.phone is not a phone number', 'contact.phone');
  return Object.keys(out).length ? out : null;
}

/**
 * The legal basis row an input describes. `partners` are all registered partners; `others` the
 * bases not revoked, the row being updated excluded. Refuses what would contradict the register:
 * an unknown or self-referencing partner, a purpose the recipient is not registered for, and a
 * second basis for the same recipient, category, purpose, source and kind whose validity overlaps.
 */
export function checkLegalBasis(
  spec: LegalBasisSpec,
  partners: ReadonlyMap<string, PartnerEntity>,
  others: readonly LegalBasisEntity[],
): Omit<LegalBasisEntity, 'id' | 'createdAt' | 'revokedAt'> {
  const check = new InputCheck();
  if (spec.id !== undefined && spec.id !== null) check.require(isUuid(spec.id), 'id is not a legal basis id', 'id');
  const recipient = partners.get(spec.recipientPartner);
  check.require(!!recipient, `Unknown partner ${spec.recipientPartner}`, 'recipientPartner');
  const sourcePartner = spec.sourcePartner || null;
  if (sourcePartner !== null) {
    check.require(partners.has(sourcePartner), `Unknown partner ${sourcePartner}`, 'sourcePartner');
    check.require(
      sourcePartner !== spec.recipientPartner,
      'sourcePartner is the recipient itself; leave it empty for own collection',
      'sourcePartner',
    );
  }
  check.require(isCategory(spec.category), `Unknown data category ${spec.category}`, 'category');
  if (check.require(isPurpose(spec.purpose), `Unknown purpose ${spec.purpose}`, 'purpose') && recipient)
    check.require(
      recipient.purposes.includes(spec.purpose),
      `${recipient.slug} is not registered for the purpose ${spec.purpose} (registered: ${recipient.purposes.join(', ')})`,
      'purpose',
    );
  const statute = text(spec.statute);
  check.require(statute.length > 0, 'statute must name the law', 'statute');
  const description = text(spec.description);
  const validFrom = check.day(dayText(spec.validFrom) ?? BASIS_DEFAULT_FROM, 'validFrom');
  const until = dayText(spec.validUntil);
  const validUntil = until === null ? null : check.day(until, 'validUntil');
  if (validFrom && validUntil) check.require(validUntil >= validFrom, 'validUntil is before validFrom', 'validUntil');
  const whileReferralOpen = spec.whileReferralOpen ?? false;
  if (!check.failed) {
    const clash = others.find(
      (b) =>
        b.recipientPartner === spec.recipientPartner &&
        b.category === spec.category &&
        b.purpose === spec.purpose &&
        b.sourcePartner === sourcePartner &&
        b.whileReferralOpen === whileReferralOpen &&
        overlaps(b.validFrom, b.validUntil, validFrom, validUntil),
    );
    check.require(
      !clash,
      `Overlaps legal basis ${clash?.id} (${clash?.validFrom} – ${clash?.validUntil ?? 'open'}) for the same recipient, category, purpose and source`,
      'validFrom',
    );
  }
  check.done();
  return {
    sourcePartner,
    recipientPartner: spec.recipientPartner,
    category: spec.category,
    purpose: spec.purpose,
    statute,
    description,
    whileReferralOpen,
    validFrom,
    validUntil,
  };
}

function overlaps(aFrom: string, aUntil: string | null, bFrom: string, bUntil: string | null): boolean {
  return (aUntil === null || aUntil >= bFrom) && (bUntil === null || bUntil >= aFrom);
}

const DAYS_FIELD = { acknowledge: 'acknowledgeDays', decide: 'decideDays', start: 'startDays' } as const;

/** The agreement row an input describes; `today` is the default start. */
export function checkAgreement(
  spec: AgreementSpec,
  partners: ReadonlyMap<string, PartnerEntity>,
  today: string,
): Omit<CooperationAgreementEntity, 'id' | 'createdAt'> {
  const check = new InputCheck();
  if (spec.id !== undefined && spec.id !== null) check.require(isUuid(spec.id), 'id is not an agreement id', 'id');
  const name = text(spec.name);
  check.require(name.length > 0, 'name is required', 'name');
  check.require(partners.has(spec.receiver), `Unknown partner ${spec.receiver}`, 'receiver');
  check.require(
    REFERRAL_TYPE.test(spec.referralType ?? ''),
    'referralType is a lower-case code like integration_course',
    'referralType',
  );
  const escalateTo = spec.escalateTo || null;
  if (escalateTo !== null) check.require(partners.has(escalateTo), `Unknown partner ${escalateTo}`, 'escalateTo');
  for (const k of DEADLINE_KINDS) {
    const d = spec[DAYS_FIELD[k]];
    if (d !== undefined && d !== null)
      check.require(
        Number.isInteger(d) && d > 0 && d <= 3650,
        `${DAYS_FIELD[k]} must be a positive whole number of days (1–3650)`,
        DAYS_FIELD[k],
      );
  }
  check.require(
    DEADLINE_KINDS.some((k) => spec[DAYS_FIELD[k]] != null),
    'An agreement needs at least one deadline',
    'acknowledgeDays',
  );
  const onBreach = spec.onBreach ?? 'escalate';
  check.require((BREACH_ACTIONS as readonly string[]).includes(onBreach), 'onBreach is escalate or expire', 'onBreach');
  const validFrom = check.day(dayText(spec.validFrom) ?? today, 'validFrom');
  const until = dayText(spec.validUntil);
  const validUntil = until === null ? null : check.day(until, 'validUntil');
  if (validFrom && validUntil) check.require(validUntil >= validFrom, 'validUntil is before validFrom', 'validUntil');
  const statuteOrDecision = text(spec.statuteOrDecision);
  check.require(
    statuteOrDecision.length > 0,
    'statuteOrDecision must name the decision the agreement rests on',
    'statuteOrDecision',
  );
  check.done();
  return {
    name,
    receiver: spec.receiver,
    referralType: spec.referralType,
    acknowledgeDays: spec.acknowledgeDays ?? null,
    decideDays: spec.decideDays ?? null,
    startDays: spec.startDays ?? null,
    escalateTo,
    onBreach,
    validFrom,
    validUntil,
    statuteOrDecision,
  };
}

/** Which input field a problem of `validateRules` is about (its messages name the rule's parts). */
function ruleField(problem: string): string {
  // After the rule's name, which lists record type, category and purpose itself.
  const what = problem.slice(problem.indexOf('): ') + 3);
  if (what.includes('more than one rule')) return 'category';
  if (what.includes('record type')) return 'recordType';
  if (what.includes('category')) return 'category';
  if (what.includes('purpose')) return 'purpose';
  if (what.includes('retain_days')) return 'retainDays';
  return 'action';
}

/**
 * The retention rule an input describes, checked by the retention service's own `validateRules`
 * together with every other rule (so a second rule for the same record type, category and
 * purpose is refused as the retention run would refuse it).
 */
export function checkRetentionRule(
  spec: RetentionRuleSpec,
  id: string,
  others: readonly RetentionRuleRow[],
  tasks: readonly RetentionTask[],
): RetentionRuleRow {
  const check = new InputCheck();
  if (spec.id !== undefined && spec.id !== null) check.require(isUuid(spec.id), 'id is not a retention rule id', 'id');
  const row = {
    id,
    recordType: spec.recordType,
    category: spec.category,
    purpose: spec.purpose || null,
    retainDays: spec.retainDays,
    action: spec.action,
    description: text(spec.description),
    statute: text(spec.statute),
  } as RetentionRuleRow;
  for (const problem of validateRules([...others, row], tasks)) {
    // Problems of other rules are not this input's fault (they are reported by the retention run).
    if (problem.startsWith(`rule ${id} `)) check.refuse(problem.replace(/^rule \S+ /, 'rule '), ruleField(problem));
  }
  check.require(row.statute.length > 0, 'statute must name the law or decision', 'statute');
  check.done();
  return row;
}
