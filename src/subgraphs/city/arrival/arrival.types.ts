import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { Connection } from '../../shared/connection.types';
import { ARRIVAL_VISIT_STATUSES, NOT_HELD_REASONS, TOPICS } from './arrival.state';
import { asEnum } from '../../shared/enum';

export const ArrivalVisitStatusEnum = asEnum(ARRIVAL_VISIT_STATUSES);
registerEnumType(ArrivalVisitStatusEnum, {
  name: 'ArrivalVisitStatus',
  description: 'planned → took_place | did_not_take_place',
});

export const ArrivalTopicEnum = asEnum(TOPICS);
registerEnumType(ArrivalTopicEnum, {
  name: 'ArrivalTopic',
  description: 'What the visit covered: language, childcare, school_entry, labour_market, housing',
});

export const ArrivalNotHeldReasonEnum = asEnum(NOT_HELD_REASONS);
registerEnumType(ArrivalNotHeldReasonEnum, {
  name: 'ArrivalNotHeldReason',
  description: 'Why a visit did not take place',
});

/** The family's follow-up contact; GraphQL names in capitals, stored as codes. */
export enum ArrivalFollowUpContact {
  DISTRICT_OFFICE = 'district_office',
  SCHOOL_PLACEMENT = 'school_placement',
  NONE = 'none',
}
registerEnumType(ArrivalFollowUpContact, {
  name: 'ArrivalFollowUpContact',
  description: 'District office (Stadtteilbüro), school-placement counselling (Schulplatzberatung), or none',
});

export enum ArrivalFollowUpSource {
  recorded = 'recorded',
  derived = 'derived',
}
registerEnumType(ArrivalFollowUpSource, {
  name: 'ArrivalFollowUpSource',
  description: 'recorded by the team, or derived from a referral sent for a member of the family',
});

@ObjectType({
  description:
    'An arrival counselling visit (Ankommensberatung, Hausbesuch) of the team to a newly arrived family; ' +
    'visible to the team that made it',
})
export class ArrivalVisit {
  @Field(() => ID) id: string;
  @PersonalData('identity')
  @Field(() => ID, { nullable: true, description: "The family's first adult the visit is for" })
  personId: string;
  @PersonalData('identity')
  @Field(() => ID, { nullable: true })
  householdId: string | null;
  @Field(() => String, { description: 'The team (partner slug)' }) partner: string;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'The arrival referral the visit answers, if the proposal was one' })
  referralId: string | null;
  // Every fact of a visit is the team's case notes: each read is decided and audited for the person.
  @PersonalData('case_notes')
  @Field(() => ArrivalVisitStatusEnum, { nullable: true })
  status: string;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'The day planned now' })
  plannedOn: string;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'The day first planned' })
  firstPlannedOn: string;
  @PersonalData('case_notes')
  @Field(() => Int, { nullable: true, description: 'How often the day was moved while planned' })
  rescheduleCount: number;
  @PersonalData('case_notes')
  @Field(() => Boolean, {
    nullable: true,
    description: 'Held on the day first planned, never moved; null while planned',
  })
  tookPlaceAsPlanned: boolean | null;
  @PersonalData('case_notes')
  @Field(() => ArrivalNotHeldReasonEnum, { nullable: true })
  notHeldReason: string | null;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true })
  heldOn: string | null;
  @PersonalData('case_notes')
  @Field(() => Boolean, { nullable: true, description: 'Welcome folder (Begrüßungsmappe) handed over' })
  welcomeFolder: boolean | null;
  @PersonalData('case_notes')
  @Field(() => [ArrivalTopicEnum], { nullable: true })
  topics: string[];
  @PersonalData('case_notes')
  @Field(() => [ID], { nullable: true, description: 'Referrals the team made for the family at the visit' })
  referralIds: string[];
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'heldOn + 2 months: a contact until then counts' })
  followUpDueOn: string | null;
  @PersonalData('case_notes')
  @Field(() => ArrivalFollowUpContact, { name: 'followUpContact', nullable: true, description: 'null: not known yet' })
  followUpKind: string | null;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true })
  followUpOn: string | null;
  @PersonalData('case_notes')
  @Field(() => ArrivalFollowUpSource, { nullable: true })
  followUpSource: string | null;
  @PersonalData('case_notes')
  @Field(() => Boolean, { nullable: true, description: 'A contact within 2 months of the visit' })
  followUpInTime: boolean | null;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'The referral a derived follow-up was taken from' })
  followUpReferralId: string | null;
  @Field(() => DateTimeResolver) createdAt: Date;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  recordedAt: Date | null;
}

export const ArrivalVisitConnection = Connection('ArrivalVisit', ArrivalVisit);
export type ArrivalVisitConnection = InstanceType<typeof ArrivalVisitConnection>;

@InputType()
export class ArrivalVisitFilterInput {
  @Field(() => ArrivalVisitStatusEnum, { nullable: true }) status?: string | null;
  @Field(() => DateResolver, { nullable: true, description: "From this day (the visit's held, else planned day)" })
  from?: Date | string | null;
  @Field(() => DateResolver, { nullable: true, description: 'Until this day, inclusive' }) to?: Date | string | null;
}

@InputType({ description: 'Plan the visit to a family; for a family with a planned visit: move its day' })
export class PlanArrivalVisitInput {
  @Field(() => ID, { description: "The family's first adult (as in the arrival proposal)" }) personId: string;
  @Field(() => DateResolver, { description: 'Today or later' }) plannedOn: Date | string;
  @Field(() => ID, {
    nullable: true,
    description: 'The arrival_counselling referral received, if the proposal was one',
  })
  referralId?: string | null;
}

@InputType({ description: 'Record once whether the visit took place, and what it covered' })
export class RecordArrivalVisitInput {
  @Field(() => ID) visitId: string;
  @Field(() => Boolean) tookPlace: boolean;
  @Field(() => DateResolver, { nullable: true, description: 'Required when it took place; not in the future' })
  heldOn?: Date | string | null;
  @Field(() => ArrivalNotHeldReasonEnum, { nullable: true, description: 'Required when it did not take place' })
  notHeldReason?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Welcome folder handed over (default false)' })
  welcomeFolder?: boolean | null;
  @Field(() => [ArrivalTopicEnum], { nullable: true }) topics?: string[] | null;
  @Field(() => [ID], {
    nullable: true,
    description: 'Referrals you sent at the visit for members of the family (at most 20)',
  })
  referralIds?: string[] | null;
}

@InputType({ description: "The family's follow-up contact after a visit that took place" })
export class RecordFollowUpInput {
  @Field(() => ID) visitId: string;
  @Field(() => ArrivalFollowUpContact) contact: string;
  @Field(() => DateResolver, {
    nullable: true,
    description: 'Day of the contact: required with a contact, not with NONE; from heldOn until today',
  })
  contactedOn?: Date | string | null;
}
