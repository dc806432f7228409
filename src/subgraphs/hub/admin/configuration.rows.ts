import { EntityManager } from 'typeorm';
import { canonicalJson } from '../../../audit/chain';
import { RetentionRuleRow } from './admin.types';

/** The fields of each configuration row that a declaration sets (what "unchanged" compares). */
export const PARTNER_FIELDS = [
  'name',
  'kind',
  'legalDomains',
  'municipalityKey',
  'jurisdiction',
  'scopes',
  'purposes',
  'contact',
  'active',
] as const;
export const BASIS_FIELDS = [
  'recipientPartner',
  'category',
  'purpose',
  'statute',
  'description',
  'sourcePartner',
  'whileReferralOpen',
  'validFrom',
  'validUntil',
] as const;
export const AGREEMENT_FIELDS = [
  'name',
  'receiver',
  'referralType',
  'acknowledgeDays',
  'decideDays',
  'startDays',
  'escalateTo',
  'onBreach',
  'validFrom',
  'validUntil',
  'statuteOrDecision',
] as const;
export const RULE_FIELDS = [
  'recordType',
  'category',
  'purpose',
  'retainDays',
  'action',
  'description',
  'statute',
] as const;

/** The fields whose values differ (compared as canonical JSON, so key order and undefined/null do not count). */
export function changedFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((f) => canonicalJson(before[f] ?? null) !== canonicalJson(after[f] ?? null));
}

interface RuleDbRow {
  id: string;
  record_type: string;
  category: string;
  purpose: string | null;
  retain_days: number;
  action: string;
  description: string;
  statute: string;
}
const ruleFromDb = (r: RuleDbRow): RetentionRuleRow =>
  ({
    id: r.id,
    recordType: r.record_type,
    category: r.category,
    purpose: r.purpose,
    retainDays: Number(r.retain_days),
    action: r.action,
    description: r.description,
    statute: r.statute,
  }) as RetentionRuleRow;

/** The retention rules in the retention service's order (hub.retention_rule has no entity). */
export async function readRules(em: EntityManager): Promise<RetentionRuleRow[]> {
  const rows: RuleDbRow[] = await em.query(
    `SELECT id, record_type, category, purpose, retain_days, action, description, statute
       FROM hub.retention_rule ORDER BY record_type, category, purpose NULLS FIRST, id`,
  );
  return rows.map(ruleFromDb);
}
