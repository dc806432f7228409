import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

export enum PartnerKind {
  immigration_office = 'immigration_office',
  asylum_benefits_office = 'asylum_benefits_office',
  social_services = 'social_services',
  youth_welfare = 'youth_welfare',
  jobcenter = 'jobcenter',
  employment_agency = 'employment_agency',
  course_provider = 'course_provider',
  ngo = 'ngo',
  employer = 'employer',
  data_protection_officer = 'data_protection_officer',
  /** A federal authority such as the BAMF: issues entitlements to integration courses (§ 44 AufenthG, § 5 IntV). */
  federal_office = 'federal_office',
  /** Runs the hub for the city (its IT department); the only kind that may hold admin:manage. */
  operator = 'operator',
}
registerEnumType(PartnerKind, { name: 'PartnerKind' });

export enum LegalDomain {
  AufenthG = 'AufenthG',
  AsylbLG = 'AsylbLG',
  SGB_II = 'SGB_II',
  SGB_III = 'SGB_III',
  SGB_VIII = 'SGB_VIII',
  SGB_XII = 'SGB_XII',
  none = 'none',
}
registerEnumType(LegalDomain, { name: 'LegalDomain', description: 'Body of law a partner acts under (Rechtskreis)' });

@ObjectType({ description: 'An agency or organisation connected to the hub' })
export class Partner {
  @Field(() => String) slug: string;
  @Field(() => String) name: string;
  @Field(() => PartnerKind) kind: PartnerKind;
  @Field(() => [LegalDomain]) legalDomains: LegalDomain[];
  @Field(() => String, { description: "AGS of the partner's seat" }) municipalityKey: string;
  @Field(() => [String], { description: 'AGS prefixes of the area it serves' }) jurisdiction: string[];
  @Field(() => [String], { description: 'Purposes its requests may state; the first is the default' })
  purposes: string[];
  @Field(() => Boolean) active: boolean;
}

@ObjectType({ description: 'The caller, as the hub sees it' })
export class Viewer {
  @Field(() => String) subject: string;
  @Field(() => Partner) partner: Partner;
  @Field(() => [String]) scopes: string[];
  @Field(() => String, { nullable: true, description: 'The purpose this request stated' }) purpose: string | null;
}

@InputType()
export class RegisterPartnerInput {
  @Field(() => String) slug: string;
  @Field(() => String) name: string;
  @Field(() => PartnerKind) kind: PartnerKind;
  @Field(() => [LegalDomain]) legalDomains: LegalDomain[];
  @Field(() => String) municipalityKey: string;
  @Field(() => [String]) jurisdiction: string[];
  @Field(() => [String]) scopes: string[];
  @Field(() => [String]) purposes: string[];
}
