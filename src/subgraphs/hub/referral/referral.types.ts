import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';
import { HubPerson } from '../hub.person';
import { OUTCOMES, REASON_CODES, REFERRAL_STATUSES } from './referral.state';
import { asEnum } from '../../shared/enum';

export const ReferralStatusEnum = asEnum(REFERRAL_STATUSES);
export const ReasonCodeEnum = asEnum(REASON_CODES);
export const OutcomeEnum = asEnum(OUTCOMES);
export const ReferralKindEnum = asEnum(['referral', 'transfer'] as const);
export const ReferralBoxEnum = asEnum(['inbox', 'outbox', 'all'] as const);
export const ReceiverPoolEnum = asEnum(['course_provider_with_capacity'] as const);
registerEnumType(ReferralStatusEnum, { name: 'ReferralStatus' });
registerEnumType(ReasonCodeEnum, {
  name: 'ReferralReason',
  description: 'Why a referral was rejected, failed or cancelled',
});
registerEnumType(OutcomeEnum, {
  name: 'ReferralOutcome',
  description: 'What came of a completed referral (separate from its status)',
});
registerEnumType(ReferralKindEnum, {
  name: 'ReferralKind',
  description: 'referral: the sender keeps the case; transfer: the case moves to the receiver on acceptance',
});
registerEnumType(ReferralBoxEnum, { name: 'ReferralBox' });
registerEnumType(ReceiverPoolEnum, {
  name: 'ReceiverPool',
  description: 'Receivers the hub chooses from when the sender names none',
});

@ObjectType({
  description: 'A closed-loop referral or transfer of one person, for one purpose, from a sender to a receiver',
})
export class Referral {
  @Field(() => ID) id: string;
  @Field(() => ReferralKindEnum) kind: string;
  @Field(() => HubPerson) person: HubPerson;
  @Field(() => String) purpose: string;
  @Field(() => String, { description: 'e.g. integration_course, arrival_counselling, benefit_handover' })
  referralType: string;
  @Field(() => String, { description: 'Sending partner' }) sender: string;
  @Field(() => String, { description: 'Receiving partner' }) receiver: string;
  @Field(() => ReferralStatusEnum) status: string;
  @Field(() => ReasonCodeEnum, { nullable: true }) reasonCode: string | null;
  @Field(() => OutcomeEnum, { nullable: true }) outcome: string | null;
  @Field(() => ID, { nullable: true, description: 'The referral this one redirects' }) parentId: string | null;
  @Field(() => DateResolver, {
    nullable: true,
    description: 'By when the receiver must have taken over, e.g. the day benefits switch on a handover',
  })
  dueOn: string | null;
  @Field(() => ReceiverPoolEnum, {
    nullable: true,
    description: 'Set when the hub chose the receiver from a pool (the sender named none)',
  })
  receiverPool: string | null;
  @Field(() => [String], { description: 'What you may do next (names of the mutations without "Referral")' })
  allowedActions: string[];
  @Field(() => Int, { description: 'Increases with every change' }) version: number;
  @Field(() => DateTimeResolver) createdAt: Date;
  @Field(() => DateTimeResolver) updatedAt: Date;
}

export const ReferralConnection = Connection('Referral', Referral);

@InputType()
export class CreateReferralInput {
  @Field(() => ID) personId: string;
  @Field(() => String, {
    nullable: true,
    description: 'The receiving partner; leave it out and give anyReceiver to let the hub choose',
  })
  receiver?: string | null;
  @Field(() => ReceiverPoolEnum, {
    nullable: true,
    description: 'Instead of receiver: the hub chooses one, e.g. the course provider with the most free seats',
  })
  anyReceiver?: string | null;
  @Field(() => String, { description: 'Purpose for which the receiver gets the data' }) purpose: string;
  @Field(() => String) referralType: string;
  @Field(() => Boolean, { nullable: true, description: 'Send at once (default: stay a draft)' }) send?: boolean;
  @Field(() => DateResolver, { nullable: true, description: 'By when the receiver must have taken over' }) dueOn?:
    string | null;
}

@InputType()
export class CreateTransferInput {
  @Field(() => ID) personId: string;
  @Field(() => String) receiver: string;
  @Field(() => String) purpose: string;
  @Field(() => String, { description: 'e.g. benefit_handover, youth_to_adult, moved_away' }) referralType: string;
  @Field(() => DateResolver, {
    nullable: true,
    description: 'By when the receiver must have taken over, e.g. the day benefits switch',
  })
  dueOn?: string | null;
}

@InputType()
export class ReferralFilter {
  @Field(() => ReferralBoxEnum, { nullable: true, description: 'inbox: you receive; outbox: you sent; all (default)' })
  box?: string;
  @Field(() => [ReferralStatusEnum], { nullable: true }) status?: string[];
  @Field(() => ID, { nullable: true }) personId?: string;
  @Field(() => ReferralKindEnum, { nullable: true }) kind?: string;
}
