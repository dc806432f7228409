import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

@ObjectType({
  description: "A person's informed consent for one purpose, to named recipients, for named data categories",
})
export class Consent {
  @Field(() => ID) id: string;
  @Field(() => String) purpose: string;
  @Field(() => [String], { description: 'Partner slugs that may receive the data' }) recipients: string[];
  @Field(() => [String], { description: 'Data categories covered' }) categories: string[];
  @Field(() => DateTimeResolver) givenAt: Date;
  @Field(() => DateTimeResolver, { nullable: true }) validUntil: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) withdrawnAt: Date | null;
  @Field(() => String, { nullable: true }) withdrawalReason: string | null;
  @Field(() => String, { description: 'Where the signed form or the note of the oral consent is kept' })
  evidenceRef: string;
  @Field(() => String, { description: 'person or guardian' }) givenBy: string;
  @Field(() => String, { description: 'Partner that recorded it' }) recordedBy: string;
  @Field(() => Boolean, { description: 'Given, not withdrawn, not expired' }) active: boolean;
  personId: string;
}

@InputType()
export class RecordConsentInput {
  @Field(() => ID) personId: string;
  @Field(() => String) purpose: string;
  @Field(() => [String]) recipients: string[];
  @Field(() => [String]) categories: string[];
  @Field(() => DateTimeResolver, { nullable: true, description: 'Default: now' }) givenAt?: Date;
  @Field(() => DateTimeResolver, { nullable: true }) validUntil?: Date;
  @Field(() => String) evidenceRef: string;
  @Field(() => String, { nullable: true, description: 'person (default) or guardian' }) givenBy?: string;
}

@InputType()
export class WithdrawConsentInput {
  @Field(() => ID) consentId: string;
  @Field(() => String, { nullable: true }) reason?: string;
}
