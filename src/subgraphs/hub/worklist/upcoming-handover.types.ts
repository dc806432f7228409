import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';
import { HubPerson } from '../hub.person';

/** The handovers the rules start on their own, by the rule that starts each. */
export const HANDOVER_KINDS = ['euma_transfer', 'benefit_switch', 'arrival_followup'] as const;
export type HandoverKind = (typeof HANDOVER_KINDS)[number];

export const UpcomingHandoverKindEnum = Object.fromEntries(HANDOVER_KINDS.map((k) => [k, k])) as Record<
  HandoverKind,
  HandoverKind
>;
registerEnumType(UpcomingHandoverKindEnum, {
  name: 'UpcomingHandoverKind',
  description:
    'euma_transfer: youth welfare hands a young adult to adult services (rule euma_turning_18); ' +
    'benefit_switch: SGB II benefits start after a grant of protection (rule asylum_granted); ' +
    'arrival_followup: the follow-up of the arrival counselling (rule new_arrival)',
});

/** Longest look ahead: two years covers the eUMA transfer (at most 24 months before the birthday) and every other rule. */
export const MAX_WITHIN_DAYS = 730;

@ObjectType({
  description:
    'A handover a rule will start: a pending check of the rule, with its dates and the partners it will concern',
})
export class UpcomingHandover {
  @Field(() => ID, { description: 'Stable: the rule and the person; the list is ordered by dueOn, then id' })
  id: string;
  @Field(() => UpcomingHandoverKindEnum) kind: HandoverKind;
  @Field(() => String, { description: 'The rule that will act: euma_turning_18, asylum_granted or new_arrival' })
  rule: string;
  @Field(() => DateResolver, {
    description:
      'When the rule acts: the transfer is created (euma_transfer), the gap check runs (benefit_switch), the follow-up is due (arrival_followup)',
  })
  dueOn: string;
  @Field(() => DateResolver, {
    description:
      'When the handover takes effect: the 18th birthday (euma_transfer), the benefit switch date (benefit_switch), the follow-up day (arrival_followup)',
  })
  startsOn: string;
  @Field(() => HubPerson, { description: 'The person (its fields follow the usual data-protection checks)' })
  person: HubPerson;
  @Field(() => String, {
    nullable: true,
    description: 'The partner (slug) the rule will hand over to, as it would choose it now; null when none would',
  })
  receiver: string | null;
  @Field(() => String, { nullable: true, description: 'The partner (slug) that hands over; null when none does' })
  sender: string | null;
}

export const UpcomingHandoverConnection = Connection('UpcomingHandover', UpcomingHandover);

@ArgsType()
export class UpcomingHandoversArgs {
  @Field(() => Int, { description: `Days ahead of today, 1 to ${MAX_WITHIN_DAYS}` }) within: number;
  @Field(() => UpcomingHandoverKindEnum, { nullable: true, description: 'Only handovers of this kind' })
  kind?: HandoverKind | null;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}
