import { PersonalData } from '../../../policy/personal-data';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';

export enum BenefitStatus {
  applied = 'applied',
  receiving = 'receiving',
  suspended = 'suspended',
  ended = 'ended',
}
registerEnumType(BenefitStatus, {
  name: 'BenefitStatus',
  description: 'State of SGB II benefits: applied, receiving, suspended, or ended (ended is final)',
});

@ObjectType({ description: "A person's case at the jobcenter (SGB II)" })
export class JobcenterRecord {
  @Field(() => ID) id: string;
  @PersonalData('benefits')
  @Field(() => String, { description: 'Kundennummer, e.g. 845D123456', nullable: true })
  customerNumber: string;
  @PersonalData('benefits')
  @Field(() => BenefitStatus, { nullable: true })
  benefitStatus: BenefitStatus;
  @PersonalData('benefits')
  @Field(() => String, { nullable: true, description: 'Bedarfsgemeinschaftsnummer, e.g. 84503//0012345' })
  householdCommunityNumber: string | null;
  @Field(() => String, { description: 'Official municipality key (AGS) of the responsible municipality' })
  municipalityKey: string;
  @PersonalData('benefits')
  @Field(() => DateResolver, { nullable: true })
  startedOn: string;
  @PersonalData('benefits')
  @Field(() => DateResolver, { nullable: true })
  endedOn: string | null;
  @Field(() => String, { description: 'Partner slug that opened the record' }) openedBy: string;
  @Field(() => DateTimeResolver) openedAt: Date;
  personId: string;
}

@InputType()
export class OpenJobcenterRecordInput {
  @Field(() => ID) personId: string;
  @Field(() => String, { description: 'Kundennummer: three digits, a letter, six digits' }) customerNumber: string;
  @Field(() => String, { nullable: true, description: 'Five digits, //, seven digits' }) householdCommunityNumber?:
    string | null;
  @Field(() => String, { description: 'AGS of the municipality, eight digits, inside your jurisdiction' })
  municipalityKey: string;
  @Field(() => DateResolver) startedOn: Date | string;
  @Field(() => BenefitStatus, { nullable: true, description: 'Default: applied; a record cannot be opened as ended' })
  benefitStatus?: BenefitStatus | null;
}

@InputType()
export class ChangeBenefitStatusInput {
  @Field(() => ID) recordId: string;
  @Field(() => BenefitStatus) status: BenefitStatus;
}
