import { DateResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A language course provider (Sprachkursträger)' })
export class CourseProvider {
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'Slug of the hub partner this provider is' }) partnerSlug: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'Official municipality key (AGS) of its seat' }) municipalityKey: string;
  @Field(() => String, { nullable: true }) street: string | null;
  @Field(() => String, { nullable: true }) postalCode: string | null;
  @Field(() => String, { nullable: true }) locality: string | null;
  @Field(() => Boolean, { description: 'Offers childcare alongside courses' }) childcare: boolean;
  @Field(() => String, { nullable: true, description: 'BAMF approval (Zulassung) for integration courses' })
  bamfApproval: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'Until when the BAMF approval holds' })
  bamfApprovedUntil: string | null;
  @Field(() => [String], { description: 'City districts (Stadtteile) it serves with courses on site' })
  servedDistricts: string[];
}

@InputType()
export class RegisterCourseProviderInput {
  @Field(() => String, { description: 'Your partner slug, unless you hold the scope *' }) partnerSlug: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'AGS, eight digits, inside your jurisdiction' }) municipalityKey: string;
  @Field(() => String, { nullable: true }) street?: string | null;
  @Field(() => String, { nullable: true, description: 'Five digits' }) postalCode?: string | null;
  @Field(() => String, { nullable: true }) locality?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Default: false' }) childcare?: boolean | null;
  @Field(() => String, { nullable: true, description: 'BAMF approval number, up to 50 characters' })
  bamfApproval?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'With bamfApproval' }) bamfApprovedUntil?:
    Date | string | null;
  @Field(() => [String], { nullable: true, description: 'At most 30 district names' }) servedDistricts?:
    string[] | null;
}
