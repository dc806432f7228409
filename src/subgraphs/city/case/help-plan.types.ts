import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';

// Every field but the id is case-notes data of the person (the policy decides, reads are audited).
@ObjectType({ description: 'A deadline of a cooperation agreement on a help-plan referral' })
export class HelpPlanDeadline {
  @Field(() => String, { description: 'acknowledge, decide or start' }) kind: string;
  @Field(() => DateTimeResolver) dueAt: Date;
  @Field(() => String, { description: 'open, overdue, met, met_late, breached or closed' }) state: string;
}

@ObjectType({
  description:
    'An item of the help plan (Hilfeplan): a service at a provider partner, with the referral that sends the person there',
})
export class HelpPlanItem {
  @Field(() => ID) id: string;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true })
  caseId: string;
  @PersonalData('case_notes')
  @Field(() => String, { nullable: true, description: 'A code, e.g. language_course, school_support' })
  service: string;
  @PersonalData('case_notes')
  @Field(() => String, { nullable: true, description: 'The provider partner (slug)' })
  provider: string;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'The goal the item serves' })
  goalId: string | null;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'By when the provider should have taken the person over' })
  dueOn: string | null;
  @PersonalData('case_notes')
  @Field(() => ID, {
    nullable: true,
    description: 'The hub referral (Referral.id; query referral(id) for all of it)',
  })
  referralId: string | null;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  createdAt: Date;
}

@InputType()
export class AddHelpPlanItemInput {
  @Field(() => ID) caseId: string;
  @Field(() => String, { description: 'The service, a code like language_course or school_support' }) service: string;
  @Field(() => String, { description: 'The provider partner (slug) the referral goes to' }) provider: string;
  @Field(() => String, {
    nullable: true,
    description: 'Default: integration_course_referral for course providers, case_management otherwise',
  })
  purpose?: string | null;
  @Field(() => String, { nullable: true, description: 'The referral’s type (default: the service)' })
  referralType?: string | null;
  @Field(() => ID, { nullable: true, description: 'An open goal of the case the item serves' }) goalId?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'By when the provider should have taken over' })
  dueOn?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Send the referral at once (default true); false keeps a draft',
  })
  send?: boolean | null;
}
