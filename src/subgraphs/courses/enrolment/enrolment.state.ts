/**
 * An enrolment's life as data: `waitlisted → offered → enrolled → completed | dropped | transferred`.
 * The provider offers, records and ends; the person (through the provider or the referral's sender)
 * answers an offer; the system passes on an expired offer and transfers on a move. A declined
 * offer drops the enrolment: whoever wants the course again enrols anew at the end of the waitlist.
 */
export const ENROLMENT_STATUSES = ['waitlisted', 'offered', 'enrolled', 'completed', 'dropped', 'transferred'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export interface EnrolmentTransition {
  from: readonly EnrolmentStatus[];
  to: EnrolmentStatus;
  /** Whether the step needs a free seat (it takes one that is not held yet). */
  takesSeat: boolean;
}

export const ENROLMENT_TRANSITIONS = {
  offer: { from: ['waitlisted'], to: 'offered', takesSeat: true },
  accept: { from: ['offered'], to: 'enrolled', takesSeat: false },
  decline: { from: ['offered'], to: 'dropped', takesSeat: false },
  // An unanswered offer: the person goes back to the end of the waitlist, the seat passes on.
  expire: { from: ['offered'], to: 'waitlisted', takesSeat: false },
  complete: { from: ['enrolled'], to: 'completed', takesSeat: false },
  drop: { from: ['waitlisted', 'offered', 'enrolled'], to: 'dropped', takesSeat: false },
  transfer: { from: ['waitlisted', 'offered', 'enrolled'], to: 'transferred', takesSeat: false },
} as const satisfies Record<string, EnrolmentTransition>;
export type EnrolmentAction = keyof typeof ENROLMENT_TRANSITIONS;

/** Statuses that hold a seat of the course. */
export const HOLDS_SEAT: readonly EnrolmentStatus[] = ['offered', 'enrolled'];
/** Statuses an enrolment leaves no more. */
export const TERMINAL: readonly EnrolmentStatus[] = ['completed', 'dropped', 'transferred'];
/** Not terminal: at most one of these per person and course. */
export const ACTIVE: readonly EnrolmentStatus[] = ['waitlisted', 'offered', 'enrolled'];

export function allowedEnrolmentActions(status: EnrolmentStatus): EnrolmentAction[] {
  return (Object.keys(ENROLMENT_TRANSITIONS) as EnrolmentAction[]).filter((a) =>
    (ENROLMENT_TRANSITIONS[a].from as readonly EnrolmentStatus[]).includes(status),
  );
}

/** Whether `action` may run on an enrolment in `status`, given the course's free seats. */
export function canApply(action: EnrolmentAction, status: EnrolmentStatus, freeSeats: number): boolean {
  const t: EnrolmentTransition = ENROLMENT_TRANSITIONS[action];
  return t.from.includes(status) && (!t.takesSeat || freeSeats > 0);
}

/** Seats still free: capacity less what offered and enrolled enrolments hold (never below zero). */
export function freeSeats(capacity: number, held: number): number {
  return Math.max(0, capacity - held);
}

/** The status a new enrolment starts in. */
export const initialStatus = (freeSeatCount: number): EnrolmentStatus =>
  freeSeatCount > 0 ? 'enrolled' : 'waitlisted';
