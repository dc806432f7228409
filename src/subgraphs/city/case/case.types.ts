import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { CASE_ACTIONS, CASE_PHASES, CASE_TRACKS, CLOSURE_KINDS } from './case.state';
import { asEnum } from '../../shared/enum';

export const CasePhaseEnum = asEnum(CASE_PHASES);
registerEnumType(CasePhaseEnum, {
  name: 'CasePhase',
  description:
    'working_alliance (Arbeitsbündnis) → assessment (Anamnese) → goal_agreement (Zielvereinbarung) → help_plan (Hilfeplan) → monitoring → closed (Abschluss)',
});
export const CaseTrackEnum = asEnum(CASE_TRACKS);
registerEnumType(CaseTrackEnum, {
  name: 'CaseTrack',
  description: 'standard case management, or euma: young adults 18–27 leaving youth welfare (eUMA-Konzept)',
});
export const ClosureKindEnum = asEnum(CLOSURE_KINDS);
registerEnumType(ClosureKindEnum, {
  name: 'ClosureKind',
  description: 'planned (geplanter Abschluss), or unplanned by the client or by the case manager (with a reason)',
});
export const CaseActionEnum = asEnum(CASE_ACTIONS);
registerEnumType(CaseActionEnum, { name: 'CaseAction', description: 'A step of case management, by mutation name' });

// The person's case: every field but the ids is case-notes data of the person (the policy decides, reads are audited).
@ObjectType({ description: 'A case of case management (Fallmanagement), held by one partner' })
export class Case {
  @Field(() => ID) id: string;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'The client (or, for a household, its contact person)' })
  personId: string;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'Set when the case is the household’s' })
  householdId: string | null;
  @Field(() => String, { description: 'The case manager’s organisation (partner slug)' }) partner: string;
  @PersonalData('case_notes')
  @Field(() => String, {
    nullable: true,
    description: 'The case manager: a pseudonymous reference the partner assigns (e.g. cm-17), never a name',
  })
  workerRef: string;
  @PersonalData('case_notes')
  @Field(() => CasePhaseEnum, { nullable: true })
  phase: string;
  @PersonalData('case_notes')
  @Field(() => CaseTrackEnum, { nullable: true })
  track: string;
  @PersonalData('case_notes')
  @Field(() => DateResolver, { nullable: true, description: 'The day the working alliance was signed' })
  allianceSignedOn: string | null;
  @PersonalData('case_notes')
  @Field(() => ID, { nullable: true, description: 'The accepted transfer the case was opened from (eUMA track)' })
  sourceReferralId: string | null;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  openedAt: Date;
  @PersonalData('case_notes')
  @Field(() => DateTimeResolver, { nullable: true })
  closedAt: Date | null;
  @PersonalData('case_notes')
  @Field(() => ClosureKindEnum, { nullable: true })
  closureKind: string | null;
  @PersonalData('case_notes')
  @Field(() => String, { nullable: true, description: 'A code, e.g. moved_away, no_contact, other' })
  closureReason: string | null;
  @Field(() => Int) version: number;
}

@InputType()
export class OpenCaseInput {
  @Field(() => ID, { description: 'The client, or the household’s contact person' }) personId: string;
  @Field(() => Boolean, { nullable: true, description: 'The case is the person’s household’s (default: the person’s)' })
  household?: boolean | null;
  @Field(() => String, {
    description: 'The case manager: your pseudonymous reference (letters, digits, - _ .; no names)',
  })
  workerRef: string;
  @Field(() => DateResolver, { description: 'The day the working alliance (Arbeitsbündnis) was signed' })
  allianceSignedOn: string;
}
