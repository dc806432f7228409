import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { Connection } from '../../shared/connection.types';
import { ENROLMENT_STATUSES } from './enrolment.state';
import { asEnum } from '../../shared/enum';

export const EnrolmentStatusEnum = asEnum(ENROLMENT_STATUSES);
registerEnumType(EnrolmentStatusEnum, {
  name: 'EnrolmentStatus',
  description: 'waitlisted → offered → enrolled → completed | dropped | transferred',
});

/** Why an enrolment ended: codes only, never free text (it reaches partners in events). */
export const END_REASONS = [
  'finished',
  'client_withdrew',
  'declined_offer',
  'not_reachable',
  'not_eligible',
  'repeated_absence',
  'moved_away',
  'other',
] as const;
export type EndReason = (typeof END_REASONS)[number];
export const EnrolmentEndReasonEnum = asEnum(END_REASONS);
registerEnumType(EnrolmentEndReasonEnum, { name: 'EnrolmentEndReason', description: 'Why an enrolment ended' });

export const EndStatusEnum = asEnum(['completed', 'dropped'] as const);
registerEnumType(EndStatusEnum, { name: 'EnrolmentEndStatus', description: 'How a provider ends an enrolment' });

@ObjectType({ description: "A person's place in a course: waitlist, seat offer, enrolment, its end" })
export class Enrolment {
  @Field(() => ID) id: string;
  @Field(() => ID) courseId: string;
  @PersonalData('course_participation')
  @Field(() => ID, { nullable: true, description: 'The person (course participation data)' })
  personId: string;
  @Field(() => EnrolmentStatusEnum) status: string;
  @Field(() => Int, { nullable: true, description: 'Order on the waitlist (first come, first offered)' })
  waitlistPosition: number | null;
  @Field(() => DateTimeResolver, { nullable: true }) waitlistedAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) offeredAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'An offer not answered by then passes on' })
  offerExpiresAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) enrolledAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) endedAt: Date | null;
  @Field(() => EnrolmentEndReasonEnum, { nullable: true }) endReason: string | null;
  @Field(() => ID, { nullable: true, description: 'The referral it came from, if any' }) referralId: string | null;
  @PersonalData('course_participation')
  @Field(() => Boolean, { nullable: true, description: 'Uses the childcare of the course (null: unknown)' })
  usesChildcare: boolean | null;
  @PersonalData('course_participation')
  @Field(() => Boolean, { nullable: true, description: 'Works shifts (null: unknown)' })
  shiftWorker: boolean | null;
  @PersonalData('course_participation')
  @Field(() => Boolean, { nullable: true, description: 'Is an apprentice (null: unknown)' })
  apprentice: boolean | null;
  @PersonalData('course_participation')
  @Field(() => Boolean, { nullable: true, description: 'Attends in the evening (null: unknown)' })
  eveningParticipant: boolean | null;
  @PersonalData('course_participation')
  @Field(() => Boolean, { nullable: true, description: 'Attends an integration course in parallel (null: unknown)' })
  parallelIntegrationCourse: boolean | null;
}

export const EnrolmentConnection = Connection('Enrolment', Enrolment);
export type EnrolmentConnection = InstanceType<typeof EnrolmentConnection>;

@ObjectType({ description: 'Whether an enrolled participant attended one session day' })
export class Attendance {
  @Field(() => ID) enrolmentId: string;
  @Field(() => DateResolver) sessionOn: string;
  @Field(() => Boolean) present: boolean;
}

@InputType({
  description: 'Enrol a person: enrolled if a seat is free, else waitlisted. An omitted fact stays unknown.',
})
export class EnrolInput {
  @Field(() => Boolean, { nullable: true }) usesChildcare?: boolean | null;
  @Field(() => Boolean, { nullable: true }) shiftWorker?: boolean | null;
  @Field(() => Boolean, { nullable: true }) apprentice?: boolean | null;
  @Field(() => Boolean, { nullable: true }) eveningParticipant?: boolean | null;
  @Field(() => Boolean, { nullable: true }) parallelIntegrationCourse?: boolean | null;
  @Field(() => ID) courseId: string;
  @Field(() => ID, { nullable: true, description: 'Required unless referralId names the person' })
  personId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'An accepted integration-course referral to the course provider: the person is taken from it',
  })
  referralId?: string | null;
}

@InputType({ description: 'Offer a free seat: to the named waitlisted enrolment, else to the next suitable one' })
export class OfferSeatInput {
  @Field(() => ID) courseId: string;
  @Field(() => ID, { nullable: true }) enrolmentId?: string | null;
}

@InputType()
export class RespondToSeatOfferInput {
  @Field(() => ID) enrolmentId: string;
  @Field(() => Boolean, { description: 'true: enrolled; false: dropped (declined_offer), the seat passes on' })
  accept: boolean;
}

@InputType()
export class RecordAttendanceInput {
  @Field(() => ID) enrolmentId: string;
  @Field(() => DateResolver, { description: 'From the course start until today; again for a day corrects it' })
  sessionOn: Date | string;
  @Field(() => Boolean) present: boolean;
}

@InputType()
export class EndEnrolmentInput {
  @Field(() => ID) enrolmentId: string;
  @Field(() => EndStatusEnum) status: 'completed' | 'dropped';
  @Field(() => EnrolmentEndReasonEnum, { nullable: true, description: 'Required for dropped; default finished' })
  reason?: EndReason | null;
}
