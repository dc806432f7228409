import { Field, ID, Int, Float, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { BREACH_ACTIONS, DEADLINE_KINDS } from './agreement.rules';
import { asEnum } from '../../shared/enum';

export const DeadlineKindEnum = asEnum(DEADLINE_KINDS);
export const BreachActionEnum = asEnum(BREACH_ACTIONS);
export const DEADLINE_STATES = ['open', 'overdue', 'met', 'met_late', 'breached', 'closed'] as const;
export const DeadlineStateEnum = asEnum(DEADLINE_STATES);
registerEnumType(DeadlineKindEnum, {
  name: 'DeadlineKind',
  description:
    'acknowledge: the receiver reacts (leaves requested); decide: accepts or rejects; start: the help begins (in_progress)',
});
registerEnumType(BreachActionEnum, {
  name: 'AgreementBreachAction',
  description: 'What happens when a deadline passes: escalate (event to the escalation partner) or expire the referral',
});
registerEnumType(DeadlineStateEnum, {
  name: 'DeadlineState',
  description:
    'open: not yet due; overdue: due, breach not yet recorded; met / met_late: answered in time / after the deadline; breached: passed unanswered (escalated or expired); closed: moot, the referral ended first',
});

@ObjectType({
  description:
    'A cooperation agreement (Kooperationsvereinbarung): which receiver answers which referral type within how many calendar days. Not personal data.',
})
export class CooperationAgreement {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'Partner that answers' }) receiver: string;
  @Field(() => String, { description: 'e.g. benefit_handover, integration_course' }) referralType: string;
  @Field(() => Int, { nullable: true, description: 'Calendar days from sending to acknowledging' }) acknowledgeDays:
    number | null;
  @Field(() => Int, { nullable: true, description: 'Calendar days from sending to accepting or rejecting' })
  decideDays: number | null;
  @Field(() => Int, { nullable: true, description: 'Calendar days from sending to the start of the help' }) startDays:
    number | null;
  @Field(() => String, { nullable: true, description: 'Partner told when a deadline passes' }) escalateTo:
    string | null;
  @Field(() => BreachActionEnum) onBreach: string;
  @Field(() => DateResolver) validFrom: string;
  @Field(() => DateResolver, { nullable: true }) validUntil: string | null;
  @Field(() => String, { description: 'The decision or statute it rests on, e.g. a decision of the steering group' })
  statuteOrDecision: string;
  @Field(() => DateTimeResolver) createdAt: Date;
}

@ObjectType({ description: 'A deadline of a referral under a cooperation agreement' })
export class ReferralDeadline {
  @Field(() => DeadlineKindEnum) kind: string;
  @Field(() => ID) agreementId: string;
  @Field(() => DateTimeResolver) dueAt: Date;
  @Field(() => DateTimeResolver, { nullable: true }) metAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) breachedAt: Date | null;
  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'The referral ended before the deadline was met: moot',
  })
  closedAt: Date | null;
  @Field(() => DeadlineStateEnum) state: string;
}

@ObjectType({
  description:
    'How one deadline of one agreement was kept, for referrals sent in a period. Counts only, no personal data. The categories add up to total.',
})
export class AgreementCompliance {
  @Field(() => CooperationAgreement) agreement: CooperationAgreement;
  @Field(() => DeadlineKindEnum) kind: string;
  @Field(() => Int, { description: 'Calendar days the agreement allows' }) days: number;
  @Field(() => Int, { description: 'Referrals sent in the period that have this deadline' }) total: number;
  @Field(() => Int) metInTime: number;
  @Field(() => Int, { description: 'Answered after the deadline (usually after an escalation)' }) metLate: number;
  @Field(() => Int, { description: 'Passed unanswered: escalated or expired' }) breached: number;
  @Field(() => Int, { description: 'Due, unanswered, breach not yet recorded (timers lagging)' }) overdue: number;
  @Field(() => Int, { description: 'Not yet due' }) open: number;
  @Field(() => Int, { description: 'Moot: the referral ended (cancelled, rejected, …) before this deadline' })
  closed: number;
  @Field(() => Float, {
    nullable: true,
    description: 'metInTime / (metInTime + metLate + breached + overdue); null when nothing was due',
  })
  complianceRate: number | null;
}

export interface AgreementInput {
  name: string;
  receiver: string;
  referralType: string;
  acknowledgeDays?: number | null;
  decideDays?: number | null;
  startDays?: number | null;
  escalateTo?: string | null;
  onBreach?: 'escalate' | 'expire';
  validFrom?: string;
  validUntil?: string | null;
  statuteOrDecision: string;
}
