import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';

@ObjectType({
  description:
    'A statute that lets a recipient process one category of personal data for one purpose (also a record of processing, DSGVO Art. 30)',
})
export class LegalBasis {
  @Field(() => ID) id: string;
  @Field(() => String, {
    nullable: true,
    description: 'Partner that transmits the data, for transfers; null for own collection',
  })
  sourcePartner: string | null;
  @Field(() => String) recipientPartner: string;
  @Field(() => String, { description: 'Data category, e.g. residence' }) category: string;
  @Field(() => String, { description: 'Purpose, e.g. benefit_administration' }) purpose: string;
  @Field(() => String, { description: 'e.g. § 69 Abs. 1 Nr. 1 SGB X' }) statute: string;
  @Field(() => String) description: string;
  @Field(() => Boolean, {
    description:
      'True when the basis holds only while a referral to the recipient for this purpose is open (the receiver of a referral); false when it holds for every person in the jurisdiction',
  })
  whileReferralOpen: boolean;
  @Field(() => DateResolver) validFrom: string;
  @Field(() => DateResolver, { nullable: true }) validUntil: string | null;
  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When an operator revoked it; a revoked basis allows nothing from that moment on',
  })
  revokedAt?: Date | null;
}

@InputType()
export class LegalBasisFilter {
  @Field(() => String, { nullable: true }) recipientPartner?: string;
  @Field(() => String, { nullable: true }) purpose?: string;
  @Field(() => String, { nullable: true }) category?: string;
  @Field(() => Boolean, { nullable: true, description: 'Also revoked bases (default false)' }) includeRevoked?: boolean;
}

export interface LegalBasisInput {
  sourcePartner?: string | null;
  recipientPartner: string;
  category: string;
  purpose: string;
  statute: string;
  description: string;
  validFrom?: string;
  validUntil?: string | null;
  whileReferralOpen?: boolean;
}
