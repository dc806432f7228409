import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { Connection } from '../../shared/connection.types';
import { APPOINTMENT_OUTCOMES, CANCELLED_BY } from './case.appointments';
import { APPOINTMENT_STATUSES, GOAL_STATUSES, LIFE_DOMAINS } from './case.state';
import { asEnum } from '../../shared/enum';
import { Case, CasePhaseEnum, CaseTrackEnum, ClosureKindEnum } from './case.types';

export const LifeDomainEnum = asEnum(LIFE_DOMAINS);
registerEnumType(LifeDomainEnum, {
  name: 'LifeDomain',
  description:
    'residence (Aufenthalt), language (Sprache), education (Schule/Ausbildung), work (Arbeit), housing (Wohnen), ' +
    'health (Gesundheit: special-category data, its own category), family (Familie/Kinderbetreuung), participation (Teilhabe)',
});
export const GoalStatusEnum = asEnum(GOAL_STATUSES);
registerEnumType(GoalStatusEnum, {
  name: 'GoalStatus',
  description: 'proposed (eUMA: not yet agreed), open, reached, partly_reached, not_reached, dropped',
});
export const AppointmentStatusEnum = asEnum(APPOINTMENT_STATUSES);
registerEnumType(AppointmentStatusEnum, { name: 'AppointmentStatus' });
export const AppointmentOutcomeEnum = asEnum(APPOINTMENT_OUTCOMES);
registerEnumType(AppointmentOutcomeEnum, {
  name: 'AppointmentOutcome',
  description: 'kept and missed from the appointment’s time on; cancelled with who cancelled',
});
export const CancelledByEnum = asEnum(CANCELLED_BY);
registerEnumType(CancelledByEnum, { name: 'CancelledBy' });

// Reached only through Case.assessment / Case.healthAssessment, which the policy guards by category.
@ObjectType({ description: 'Problems and resources in one life domain (Anamnese/Assessment)' })
export class Assessment {
  @Field(() => ID) id: string;
  @Field(() => LifeDomainEnum) domain: string;
  @Field(() => [String]) problems: string[];
  @Field(() => [String]) resources: string[];
  @Field(() => String, {
    nullable: true,
    description: 'The situation as a code (education/work: school, apprenticeship, employed, unemployed, …)',
  })
  situation: string | null;
  @Field(() => DateResolver) assessedOn: string;
  @Field(() => DateTimeResolver) recordedAt: Date;
}

@ObjectType({ description: 'A goal agreed with the client (Zielvereinbarung)' })
export class CaseGoal {
  @Field(() => ID) id: string;
  @Field(() => ID) caseId: string;
  @PersonalData('case_notes')
  @Field(() => LifeDomainEnum, { nullable: true })
  domain: string;
  @PersonalData('case_notes')
  @Field(() => String, { nullable: true })
  wording: string;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'null while only proposed' })
  agreedOn: string | null;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true })
  targetOn: string | null;
  @PersonalData('case_notes')
  @Field(() => GoalStatusEnum, { nullable: true })
  status: string;
}

@ObjectType({ description: 'An appointment of the case' })
export class CaseAppointment {
  @Field(() => ID) id: string;
  @Field(() => ID) caseId: string;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  scheduledAt: Date;
  @PersonalData('case_notes')
  @Field(() => AppointmentStatusEnum, { nullable: true })
  status: string;
  @PersonalData('case_notes')
  @Field(() => CancelledByEnum, { nullable: true })
  cancelledBy: string | null;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  recordedAt: Date | null;
}

@ObjectType({
  description: 'Goal attainment (Zielerreichung): agreed goals by status; proposals never agreed are left out',
})
export class GoalAttainment {
  @Field(() => Int) reached: number;
  @Field(() => Int) partlyReached: number;
  @Field(() => Int) notReached: number;
  @Field(() => Int) dropped: number;
  @Field(() => Int) open: number;
  @Field(() => Int) total: number;
}

export const CaseConnection = Connection('Case', Case);
export type CaseConnection = InstanceType<typeof CaseConnection>;

@InputType()
export class CasesFilter {
  @Field(() => CasePhaseEnum, { nullable: true }) phase?: string | null;
  @Field(() => CaseTrackEnum, { nullable: true }) track?: string | null;
  @Field(() => String, { nullable: true, description: 'The case manager’s reference' }) workerRef?: string | null;
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true: not closed; false: closed' }) open?: boolean | null;
}

@InputType()
export class RecordAssessmentInput {
  @Field(() => ID) caseId: string;
  @Field(() => LifeDomainEnum) domain: string;
  @Field(() => [String], { description: 'At most 20 short texts of up to 300 characters' }) problems: string[];
  @Field(() => [String], { description: 'At most 20 short texts of up to 300 characters' }) resources: string[];
  @Field(() => String, {
    nullable: true,
    description:
      'A code: education and work: school, apprenticeship, employed, unemployed, evening_school, none; ' +
      'housing: own_flat, shared_flat, shared_accommodation, homeless; other domains none',
  })
  situation?: string | null;
  @Field(() => DateResolver) assessedOn: string;
}

@InputType()
export class AgreeGoalInput {
  @Field(() => ID) caseId: string;
  @Field(() => LifeDomainEnum) domain: string;
  @Field(() => String, { description: 'The goal in the client’s words (up to 500 characters)' }) wording: string;
  @Field(() => DateResolver) agreedOn: string;
  @Field(() => DateResolver, { nullable: true }) targetOn?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'A proposed goal (eUMA track) this agreement turns into an open goal',
  })
  proposalId?: string | null;
}

@InputType()
export class UpdateGoalInput {
  @Field(() => ID) goalId: string;
  @Field(() => GoalStatusEnum, { nullable: true, description: 'Not proposed: a goal never goes back to a proposal' })
  status?: string | null;
  @Field(() => String, { nullable: true }) wording?: string | null;
  @Field(() => DateResolver, { nullable: true }) targetOn?: string | null;
}

@InputType()
export class ScheduleAppointmentInput {
  @Field(() => ID) caseId: string;
  @Field(() => DateTimeResolver, { description: 'Not more than a day in the past' }) scheduledAt: Date;
}

@InputType()
export class RecordAppointmentInput {
  @Field(() => ID) appointmentId: string;
  @Field(() => AppointmentOutcomeEnum) status: string;
  @Field(() => CancelledByEnum, { nullable: true, description: 'Required when cancelled' }) cancelledBy?: string | null;
}

@InputType()
export class SettleGoalInput {
  @Field(() => ID) goalId: string;
  @Field(() => GoalStatusEnum, { description: 'reached, partly_reached, not_reached or dropped' }) status: string;
}

@InputType()
export class CloseCaseInput {
  @Field(() => ID) caseId: string;
  @Field(() => ClosureKindEnum, { nullable: true, description: 'Required (BAD_USER_INPUT naming kind when missing)' })
  kind?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'A code, required for an unplanned closure: goals_reached, moved_away, no_contact, client_withdrew, needs_other_help, transferred, other',
  })
  reason?: string | null;
  @Field(() => [SettleGoalInput], { nullable: true, description: 'Settles every goal still open or proposed' })
  goals?: SettleGoalInput[] | null;
}

@InputType()
export class ReopenCaseInput {
  @Field(() => ID) caseId: string;
  @Field(() => String, { description: 'A code: client_returned, new_need, closed_in_error, other' }) reason: string;
}
