import { DateResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../shared/connection.types';

export enum FeedbackOfferEnum {
  ARRIVAL_COUNSELLING = 'arrival_counselling',
  LANGUAGE_COURSE = 'language_course',
  CASE_MANAGEMENT = 'case_management',
  EUMA = 'euma',
  EMPLOYER_SERVICE = 'employer_service',
  OTHER = 'other',
}
registerEnumType(FeedbackOfferEnum, {
  name: 'FeedbackOffer',
  description:
    'The offer feedback is on: Ankommensberatung, Sprachkurs, Fallmanagement, eUMA, Arbeitgeberservice, other',
});

// No person, no worker, no time finer than the month: nothing here is personal data.
@ObjectType({
  description:
    'Client feedback on an offer (Rückmeldung, Nutzerworkshop): anonymous unless the person chose to link it',
})
export class Feedback {
  @Field(() => ID, { description: 'Random, not time-ordered' }) id: string;
  @Field(() => FeedbackOfferEnum) offer: FeedbackOfferEnum;
  @Field(() => ID, { nullable: true }) courseId: string | null;
  @Field(() => Int, { description: '1 (not at all) to 5 (very)' }) helpful: number;
  @Field(() => Int, { description: '1 (not at all) to 5 (fully)' }) understood: number;
  @Field(() => Boolean, { nullable: true }) wouldRecommend: boolean | null;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field(() => String, { description: 'The month it was given in (YYYY-MM)' }) month: string;
}

export const FeedbackConnection = Connection('Feedback', Feedback);
export type FeedbackConnection = InstanceType<typeof FeedbackConnection>;

@ObjectType({ description: 'Counts and means of feedback on one offer; suppressed below 5 answers' })
export class FeedbackSummary {
  @Field(() => FeedbackOfferEnum) offer: FeedbackOfferEnum;
  @Field(() => DateResolver) from: string;
  @Field(() => DateResolver) to: string;
  @Field(() => Boolean, { description: 'Fewer than 5 answers: no counts or means are shown' }) suppressed: boolean;
  @Field(() => Int, { nullable: true }) count: number | null;
  @Field(() => Float, { nullable: true }) helpfulMean: number | null;
  @Field(() => Float, { nullable: true }) understoodMean: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of those who answered that would recommend it' })
  wouldRecommendShare: number | null;
}

@InputType()
export class LinkToPersonInput {
  @Field(() => ID) personId: string;
}

@InputType()
export class SubmitFeedbackInput {
  @Field(() => FeedbackOfferEnum) offer: FeedbackOfferEnum;
  @Field(() => ID, { nullable: true, description: 'The course (offer LANGUAGE_COURSE only)' }) courseId?: string | null;
  @Field(() => Int, { description: '1 to 5' }) helpful: number;
  @Field(() => Int, { description: '1 to 5' }) understood: number;
  @Field(() => Boolean, { nullable: true }) wouldRecommend?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Short (up to 500 characters); no names' })
  comment?: string | null;
  @Field(() => LinkToPersonInput, {
    nullable: true,
    description:
      'Only when the person chooses: their active consent naming you, your purpose and case_notes records the choice',
  })
  linkToPerson?: LinkToPersonInput | null;
}

@InputType()
export class FeedbackFilterInput {
  @Field(() => FeedbackOfferEnum, { nullable: true }) offer?: FeedbackOfferEnum | null;
  @Field(() => DateResolver, { nullable: true, description: 'From the month of this day' }) from?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'Up to this day (months starting on or before it)' })
  to?: string | null;
}

@InputType()
export class FeedbackPeriodInput {
  @Field(() => DateResolver) from: string;
  @Field(() => DateResolver) to: string;
}
