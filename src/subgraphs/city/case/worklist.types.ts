import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { Connection } from '../../shared/connection.types';
import { asEnum } from '../../shared/enum';
import { Case } from './case.types';
import { WORKLIST_REASONS } from './worklist.state';

export const WorklistReasonEnum = asEnum(WORKLIST_REASONS);
registerEnumType(WorklistReasonEnum, {
  name: 'WorklistReason',
  description:
    'dropout_risk (in training, open language and education goals whose help-plan referrals are overdue), overdue_referral, missed_appointments (the last two due were missed), goal_past_target',
});

@ObjectType({ description: 'A case on the worklist (Arbeitsliste) and why it needs attention' })
export class CaseWorklistEntry {
  @Field(() => Case) case: Case;
  @PersonalData('case_notes')
  @Field(() => [WorklistReasonEnum], { nullable: true, description: 'Most urgent first' })
  reasons: string[];
  @PersonalData('case_notes')
  @Field(() => Int, { nullable: true, description: 'The reasons’ weight: the list is ordered by it' })
  urgency: number;
}

export const CaseWorklistConnection = Connection('CaseWorklist', CaseWorklistEntry);
export type CaseWorklistConnection = InstanceType<typeof CaseWorklistConnection>;
