import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';

/** Residence titles under AufenthG/AsylG/FreizügG; the statute is kept in legalBasis. */
export enum ResidenceStatusCode {
  asylum_applicant = 'asylum_applicant',
  tolerated = 'tolerated',
  entitled_to_asylum = 'entitled_to_asylum',
  recognised_refugee = 'recognised_refugee',
  subsidiary_protection = 'subsidiary_protection',
  deportation_ban = 'deportation_ban',
  temporary_protection = 'temporary_protection',
  residence_permit_family = 'residence_permit_family',
  residence_permit_employment = 'residence_permit_employment',
  residence_permit_education = 'residence_permit_education',
  eu_free_movement = 'eu_free_movement',
  settlement_permit = 'settlement_permit',
  naturalised = 'naturalised',
}
registerEnumType(ResidenceStatusCode, { name: 'ResidenceStatusCode' });

/** The usual statute for each status, used when the caller gives none. */
export const DEFAULT_LEGAL_BASIS: Record<ResidenceStatusCode, string> = {
  asylum_applicant: '§ 55 AsylG',
  tolerated: '§ 60a AufenthG',
  entitled_to_asylum: '§ 25 Abs. 1 AufenthG',
  recognised_refugee: '§ 25 Abs. 2 S. 1 Alt. 1 AufenthG',
  subsidiary_protection: '§ 25 Abs. 2 S. 1 Alt. 2 AufenthG',
  deportation_ban: '§ 25 Abs. 3 AufenthG',
  temporary_protection: '§ 24 AufenthG',
  residence_permit_family: '§§ 27 ff. AufenthG',
  residence_permit_employment: '§§ 18 ff. AufenthG',
  residence_permit_education: '§§ 16 ff. AufenthG',
  eu_free_movement: '§ 2 FreizügG/EU',
  settlement_permit: '§ 9 AufenthG',
  naturalised: '§ 10 StAG',
};

@ObjectType({ description: 'A residence status, valid from a date; the newest valid one is current' })
export class ResidenceStatus {
  @Field(() => ID) id: string;
  @Field(() => ResidenceStatusCode) status: ResidenceStatusCode;
  @Field(() => String, { description: 'Statute, e.g. § 25 Abs. 2 AufenthG' }) legalBasis: string;
  @Field(() => DateResolver) validFrom: string;
  @Field(() => DateResolver, { nullable: true }) validUntil: string | null;
  @Field(() => Boolean, { description: 'Wohnsitzauflage' }) residenceObligation: boolean;
  @Field(() => Boolean) workPermitted: boolean;
  @Field(() => Boolean, { description: 'Obliged to attend an integration course (§ 44a AufenthG)' })
  integrationCourseObligation: boolean;
  @Field(() => String, { description: 'Partner slug that recorded it' }) recordedBy: string;
  @Field(() => DateTimeResolver) recordedAt: Date;
  personId: string;
}

@InputType()
export class RecordResidenceStatusInput {
  @Field(() => ID) personId: string;
  @Field(() => ResidenceStatusCode) status: ResidenceStatusCode;
  @Field(() => String, { nullable: true }) legalBasis?: string;
  @Field(() => DateResolver) validFrom: Date | string;
  @Field(() => DateResolver, { nullable: true }) validUntil?: Date | string;
  @Field(() => Boolean, { nullable: true }) residenceObligation?: boolean;
  @Field(() => Boolean, { nullable: true }) workPermitted?: boolean;
  @Field(() => Boolean, { nullable: true }) integrationCourseObligation?: boolean;
}
