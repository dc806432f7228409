import { ReferralStatus, TRANSITIONS } from '../referral/referral.state';

/**
 * What each deadline of a cooperation agreement waits for. Deadlines count calendar days
 * (Europe/Berlin) from the moment the referral was sent (status requested).
 */
export const DEADLINE_KINDS = ['acknowledge', 'decide', 'start'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export const isDeadlineKind = (v: string): v is DeadlineKind => (DEADLINE_KINDS as readonly string[]).includes(v);

export const BREACH_ACTIONS = ['escalate', 'expire'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

/** A deadline is met by the first transition into one of these statuses. */
export const MET_BY: Record<DeadlineKind, readonly ReferralStatus[]> = {
  // The receiver reacted at all: it left requested.
  acknowledge: ['received', 'accepted', 'rejected', 'in_progress', 'on_hold', 'completed', 'failed'],
  // The receiver decided: accepted (and anything after) or rejected.
  decide: ['accepted', 'rejected', 'in_progress', 'on_hold', 'completed', 'failed'],
  // The help began.
  start: ['in_progress', 'on_hold', 'completed'],
};

/** A referral in one of these statuses can meet no further deadline: what is still open is moot (closed). */
export const FINAL: readonly ReferralStatus[] = [
  'rejected',
  'completed',
  'failed',
  'cancelled',
  'expired',
  'entered_in_error',
];

/**
 * Statuses whose transition can create, meet or close a deadline: sending creates them, the rest
 * meet or close them. A transition into any other status (a draft) leaves the deadlines as they are.
 */
export const MOVES_DEADLINES: readonly ReferralStatus[] = [
  ...new Set<ReferralStatus>(['requested', ...Object.values(MET_BY).flat(), ...FINAL]),
];

/** The statuses the system may expire a referral from (the state machine's expire transition). */
export const EXPIRABLE: readonly ReferralStatus[] = TRANSITIONS.expire.from;

/** Agreement days are calendar days in this time zone (a deadline keeps its wall-clock time across DST). */
export const AGREEMENT_TIME_ZONE = 'Europe/Berlin';

/** What an open deadline looks like to the timers. */
export interface OpenDeadline {
  referralId: string;
  kind: DeadlineKind;
  dueAt: Date;
  /** Created by the settlement just now: no timer of its id can exist yet, so Redis need not be asked. */
  created?: boolean;
}

/** Handles a deadline that is already due (the service's breach handling). */
export type DueHandler = (deadline: OpenDeadline) => Promise<unknown>;

/** Whoever keeps the timers (the `sla` queue): a timer per open deadline, or `handleDue` at once when it is due. */
export interface DeadlineTimers {
  ensure(deadlines: OpenDeadline[], handleDue: DueHandler): Promise<unknown>;
}

/** BullMQ job id of a deadline's timer: no ':' and never all digits (BullMQ refuses both). */
export const deadlineJobId = (referralId: string, kind: DeadlineKind): string => `${referralId}.${kind}`;
