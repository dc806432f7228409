import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { Connection } from '../../shared/connection.types';
import { PartnerContact } from '../admin/admin.types';
import { ENQUIRY_ACTIONS, ENQUIRY_STATUSES } from './enquiry.state';
import { EmployerEnquiryEntity } from './enquiry.entity';
import { asEnum } from '../../shared/enum';

export enum EnquiryTopic {
  RESIDENCE_LAW = 'residence_law',
  WORKPLACE = 'workplace',
}
registerEnumType(EnquiryTopic, {
  name: 'EnquiryTopic',
  description:
    'RESIDENCE_LAW (aufenthaltsrechtliche Frage): answered by the immigration office; WORKPLACE (Frage am Arbeitsplatz): by the social worker team',
});

export const EnquiryStatusEnum = asEnum(ENQUIRY_STATUSES);
registerEnumType(EnquiryStatusEnum, {
  name: 'EnquiryStatus',
  description: 'received → in_progress → answered → closed',
});
export const EnquiryActionEnum = asEnum(ENQUIRY_ACTIONS);
registerEnumType(EnquiryActionEnum, {
  name: 'EnquiryAction',
  description: 'A step of an employer enquiry, by mutation name',
});

@ObjectType({ description: 'Who answers an enquiry: the partner and its function mailbox, never a staff member' })
export class EnquiryContact {
  @Field(() => String, { description: 'Partner slug' }) partner: string;
  @Field(() => String) name: string;
  @Field(() => PartnerContact, { nullable: true, description: 'The team’s function mailbox' })
  contact: PartnerContact | null;
}

@ObjectType({
  description:
    'An employer’s question (Arbeitgeberservice), routed to the named contact at the immigration office or the social worker team',
})
export class EmployerEnquiry {
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'The employer partner (slug) that asked' }) employer: string;
  @Field(() => EnquiryTopic) topic: EnquiryTopic;
  @Field(() => String, { description: 'The employer’s question (no employee’s personal data)' }) question: string;
  @Field(() => Boolean) onSiteVisitWanted: boolean;
  @Field(() => EnquiryContact, { description: 'The contact it was routed to' }) routedTo: EnquiryContact;
  @Field(() => Boolean, { description: 'Whether an employee is linked (by their consent)' }) employeeLinked: boolean;
  @PersonalData('employment', (e: EmployerEnquiryEntity) => e.employeePersonId)
  @Field(() => ID, {
    nullable: true,
    description: 'The employee, linked by their consent for employer_service: shown under the policy',
  })
  employeePersonId: string | null;
  @Field(() => EnquiryStatusEnum) status: string;
  @Field(() => String, { nullable: true }) answer: string | null;
  @Field(() => DateTimeResolver) receivedAt: Date;
  @Field(() => DateTimeResolver, { nullable: true }) answeredAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) closedAt: Date | null;
  @Field(() => Int) version: number;
  @Field(() => [EnquiryActionEnum], { description: 'The steps you may take now' }) allowedActions: string[];
}

export const EmployerEnquiryConnection = Connection('EmployerEnquiry', EmployerEnquiry);
export type EmployerEnquiryConnection = InstanceType<typeof EmployerEnquiryConnection>;

@InputType()
export class EmployerEnquiryInput {
  @Field(() => EnquiryTopic) topic: EnquiryTopic;
  @Field(() => String, { description: 'The question (up to 2000 characters); name no employee here' })
  question: string;
  @Field(() => Boolean, { nullable: true, description: 'A visit at the workplace is wanted (default false)' })
  onSiteVisitWanted?: boolean | null;
  @Field(() => ID, {
    nullable: true,
    description:
      'Links an employee: their active consent for employer_service naming the routed partner (and you, to see the link) and employment data',
  })
  employeeConsentId?: string | null;
}

@InputType()
export class EnquiryRefInput {
  @Field(() => ID) enquiryId: string;
}

@InputType()
export class AnswerEnquiryInput {
  @Field(() => ID) enquiryId: string;
  @Field(() => String, { description: 'The answer (up to 4000 characters)' }) answer: string;
}

@InputType()
export class EmployerEnquiriesFilter {
  @Field(() => EnquiryStatusEnum, { nullable: true }) status?: string | null;
}
