import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { RetentionRule } from '../../../retention/retention.types';
import { BreachActionEnum, CooperationAgreement } from '../agreement/agreement.types';
import { LegalBasis } from '../legal-basis/legal-basis.types';
import { LegalDomain, PartnerKind } from '../partner/partner.types';

/** What one write of the configuration did; `changed: false` when the input equalled the stored row (nothing written, nothing audited). */
export interface Change<T> {
  before: T | null;
  after: T | null;
  changed: boolean;
}

/** A partner's contact: a function mailbox (name of the team, its e-mail and phone). */
export interface ContactSpec {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** A partner as an operator declares it; the slug is its key. */
export interface PartnerSpec {
  slug: string;
  name: string;
  kind: string;
  legalDomains: string[];
  /** AGS of the partner's seat. */
  municipalityKey: string;
  /** AGS prefixes of the area it serves. */
  jurisdiction: string[];
  scopes: string[];
  /** The first is the default purpose of its requests. */
  purposes: string[];
  contact?: ContactSpec | null;
  /** Default true. */
  active?: boolean | null;
}

/**
 * A legal basis as an operator declares it. Key: `id` when given, else (recipientPartner, category,
 * purpose, sourcePartner, whileReferralOpen, validFrom) among the bases not revoked.
 */
export interface LegalBasisSpec {
  id?: string | null;
  recipientPartner: string;
  category: string;
  purpose: string;
  statute: string;
  description: string;
  sourcePartner?: string | null;
  whileReferralOpen?: boolean | null;
  /** 'YYYY-MM-DD'; default 2000-01-01 (in force as long as the register goes back). */
  validFrom?: string | null;
  validUntil?: string | null;
}

/** A cooperation agreement as an operator declares it. Key: `id` when given, else (receiver, referralType, validFrom). */
export interface AgreementSpec {
  id?: string | null;
  name: string;
  receiver: string;
  referralType: string;
  acknowledgeDays?: number | null;
  decideDays?: number | null;
  startDays?: number | null;
  escalateTo?: string | null;
  /** Default escalate. */
  onBreach?: string | null;
  /** 'YYYY-MM-DD'; default today. */
  validFrom?: string | null;
  validUntil?: string | null;
  statuteOrDecision: string;
}

/** A retention rule as an operator declares it. Key: `id` when given, else (recordType, category, purpose). */
export interface RetentionRuleSpec {
  id?: string | null;
  recordType: string;
  category: string;
  /** null: any purpose. */
  purpose?: string | null;
  retainDays: number;
  action: string;
  description: string;
  statute: string;
}

/** A row of hub.retention_rule. */
export type RetentionRuleRow = RetentionRule;

// ---- GraphQL -------------------------------------------------------------------------------

@ObjectType({ description: "A partner's contact: the team's function mailbox" })
export class PartnerContact {
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) phone: string | null;
}

@ObjectType({ description: 'A partner as the operator configures it (scopes and contact included)' })
export class PartnerSettings {
  @Field(() => String) slug: string;
  @Field(() => String) name: string;
  @Field(() => PartnerKind) kind: string;
  @Field(() => [LegalDomain]) legalDomains: string[];
  @Field(() => String) municipalityKey: string;
  @Field(() => [String]) jurisdiction: string[];
  @Field(() => [String]) scopes: string[];
  @Field(() => [String]) purposes: string[];
  @Field(() => PartnerContact, { nullable: true }) contact: PartnerContact | null;
  @Field(() => Boolean) active: boolean;
  @Field(() => DateTimeResolver) createdAt: Date;
}

@ObjectType('RetentionRule', { description: 'A retention rule: how long one kind of record of one category is kept' })
export class RetentionRuleType {
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'biography_entry, consent, person, notification, webhook_delivery' })
  recordType: string;
  @Field(() => String) category: string;
  @Field(() => String, { nullable: true, description: 'null: any purpose' }) purpose: string | null;
  @Field(() => Int) retainDays: number;
  @Field(() => String, { description: 'erase or pseudonymise' }) action: string;
  @Field(() => String) description: string;
  @Field(() => String) statute: string;
}

@ObjectType({ description: 'What upsertPartner or deactivatePartner did; changed false: nothing was written' })
export class PartnerChange {
  @Field(() => Boolean) changed: boolean;
  @Field(() => PartnerSettings, { nullable: true }) before: PartnerSettings | null;
  @Field(() => PartnerSettings, { nullable: true }) after: PartnerSettings | null;
}

@ObjectType({ description: 'What upsertLegalBasis or revokeLegalBasis did; changed false: nothing was written' })
export class LegalBasisChange {
  @Field(() => Boolean) changed: boolean;
  @Field(() => LegalBasis, { nullable: true }) before: LegalBasis | null;
  @Field(() => LegalBasis, { nullable: true }) after: LegalBasis | null;
}

@ObjectType({ description: 'What upsertCooperationAgreement did; changed false: nothing was written' })
export class CooperationAgreementChange {
  @Field(() => Boolean) changed: boolean;
  @Field(() => CooperationAgreement, { nullable: true }) before: CooperationAgreement | null;
  @Field(() => CooperationAgreement, { nullable: true }) after: CooperationAgreement | null;
}

@ObjectType({ description: 'What upsertRetentionRule did; changed false: nothing was written' })
export class RetentionRuleChange {
  @Field(() => Boolean) changed: boolean;
  @Field(() => RetentionRuleType, { nullable: true }) before: RetentionRuleType | null;
  @Field(() => RetentionRuleType, { nullable: true }) after: RetentionRuleType | null;
}

@ObjectType({ description: "The hub's whole configuration, inactive, revoked and ended entries included" })
export class Configuration {
  @Field(() => [PartnerSettings]) partners: PartnerSettings[];
  @Field(() => [LegalBasis]) legalBases: LegalBasis[];
  @Field(() => [CooperationAgreement]) cooperationAgreements: CooperationAgreement[];
  @Field(() => [RetentionRuleType]) retentionRules: RetentionRuleType[];
}

@InputType()
export class PartnerContactInput {
  @Field(() => String, { nullable: true, description: 'The team, e.g. "Team Integration"' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'A function mailbox' }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
}

@InputType({ description: 'A partner; the slug is its key (created when new, updated otherwise)' })
export class UpsertPartnerInput {
  @Field(() => String) slug: string;
  @Field(() => String) name: string;
  @Field(() => PartnerKind) kind: string;
  @Field(() => [LegalDomain]) legalDomains: string[];
  @Field(() => String, { description: "AGS of the partner's seat" }) municipalityKey: string;
  @Field(() => [String], { description: 'AGS prefixes of the area it serves' }) jurisdiction: string[];
  @Field(() => [String]) scopes: string[];
  @Field(() => [String], { description: 'The first is the default purpose' }) purposes: string[];
  @Field(() => PartnerContactInput, { nullable: true }) contact?: PartnerContactInput | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) active?: boolean | null;
}

@InputType({
  description:
    'A legal basis; with id it updates that one, without it the one with the same recipient, category, purpose, source, whileReferralOpen and validFrom (or creates it)',
})
export class UpsertLegalBasisInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String) recipientPartner: string;
  @Field(() => String) category: string;
  @Field(() => String) purpose: string;
  @Field(() => String, { description: 'e.g. § 69 Abs. 1 Nr. 1 SGB X' }) statute: string;
  @Field(() => String) description: string;
  @Field(() => String, { nullable: true }) sourcePartner?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Default false' }) whileReferralOpen?: boolean | null;
  @Field(() => DateResolver, { nullable: true, description: 'Default 2000-01-01' }) validFrom?: Date | null;
  @Field(() => DateResolver, { nullable: true }) validUntil?: Date | null;
}

@InputType({
  description:
    'A cooperation agreement; with id it updates that one, without it the one with the same receiver, referralType and validFrom (or creates it)',
})
export class UpsertCooperationAgreementInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String) name: string;
  @Field(() => String) receiver: string;
  @Field(() => String) referralType: string;
  @Field(() => Int, { nullable: true }) acknowledgeDays?: number | null;
  @Field(() => Int, { nullable: true }) decideDays?: number | null;
  @Field(() => Int, { nullable: true }) startDays?: number | null;
  @Field(() => String, { nullable: true }) escalateTo?: string | null;
  @Field(() => BreachActionEnum, { nullable: true, description: 'Default escalate' }) onBreach?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'Default today' }) validFrom?: Date | null;
  @Field(() => DateResolver, { nullable: true }) validUntil?: Date | null;
  @Field(() => String) statuteOrDecision: string;
}

@InputType({
  description:
    'A retention rule; with id it updates that one, without it the one for the same recordType, category and purpose (or creates it)',
})
export class UpsertRetentionRuleInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String) recordType: string;
  @Field(() => String) category: string;
  @Field(() => String, { nullable: true, description: 'null: any purpose' }) purpose?: string | null;
  @Field(() => Int) retainDays: number;
  @Field(() => String, { description: 'erase or pseudonymise' }) action: string;
  @Field(() => String) description: string;
  @Field(() => String) statute: string;
}
