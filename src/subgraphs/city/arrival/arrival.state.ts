/** Day arithmetic (src/shared/time.ts), for the follow-up's two months. */
export { addMonths } from '../../../shared/time';

/**
 * An arrival visit's life as data: `planned → took_place | did_not_take_place`. While planned the
 * team may move the day (planArrivalVisit again for the family: a reschedule, which makes the
 * visit not "as planned"); the outcome is recorded once. After a visit that took place the
 * family's follow-up contact is recorded by the team or derived from a referral; a recorded or
 * derived contact is final, `none` may be replaced by a contact found later.
 */
export const ARRIVAL_VISIT_STATUSES = ['planned', 'took_place', 'did_not_take_place'] as const;
export type ArrivalVisitStatus = (typeof ARRIVAL_VISIT_STATUSES)[number];

export const NOT_HELD_REASONS = ['not_reached', 'declined', 'moved_away', 'postponed_by_family', 'other'] as const;
export type NotHeldReason = (typeof NOT_HELD_REASONS)[number];

export const TOPICS = ['language', 'childcare', 'school_entry', 'labour_market', 'housing'] as const;
export type Topic = (typeof TOPICS)[number];

export const FOLLOW_UP_KINDS = ['district_office', 'school_placement', 'none'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];
export type FollowUpSource = 'recorded' | 'derived';

/** Referral types that are a follow-up contact: a referral to a district office or the school-placement counselling. */
export const FOLLOW_UP_REFERRAL_TYPES: Readonly<Record<string, Exclude<FollowUpKind, 'none'>>> = {
  district_office: 'district_office',
  school_placement: 'school_placement',
};

/** How long after the visit a contact counts (the report's indicator: within 2 months). */
export const FOLLOW_UP_MONTHS = 2;

export type ArrivalAction = 'planArrivalVisit' | 'recordArrivalVisit' | 'recordFollowUp';

/** The mutations a visit allows now (CONFLICT answers name them). */
export function allowedArrivalActions(v: {
  status: ArrivalVisitStatus;
  followUpKind: FollowUpKind | null;
}): ArrivalAction[] {
  if (v.status === 'planned') return ['planArrivalVisit', 'recordArrivalVisit'];
  if (v.status === 'took_place' && (v.followUpKind === null || v.followUpKind === 'none')) return ['recordFollowUp'];
  return [];
}

/** Held on the day planned, never moved. */
export const asPlanned = (v: { plannedOn: string; rescheduleCount: number }, heldOn: string): boolean =>
  heldOn === v.plannedOn && v.rescheduleCount === 0;
