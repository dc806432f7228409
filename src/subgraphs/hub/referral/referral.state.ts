/**
 * The closed loop of a referral (FHIR Task-like). The sender sets draft, requested and cancelled;
 * the receiver sets the rest; the system expires what passed its deadline and cancels what a
 * withdrawn consent or a move out of every partner's reach ends. Any other transition
 * is refused, naming the current state and the allowed actions.
 */
export const REFERRAL_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'in_progress',
  'on_hold',
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'entered_in_error',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REASON_CODES = [
  'no_capacity',
  'not_eligible',
  'not_reachable',
  'client_declined',
  'not_responsible',
  'moved_away',
  'client_withdrew',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const OUTCOMES = [
  'got_help',
  'partially_helped',
  'needs_client_action',
  'no_help_needed',
  'referred_elsewhere',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Role = 'sender' | 'receiver' | 'system';

export interface Transition {
  from: readonly ReferralStatus[];
  to: ReferralStatus;
  by: Role;
}

export const TRANSITIONS = {
  send: { from: ['draft'], to: 'requested', by: 'sender' },
  cancel: {
    from: ['draft', 'requested', 'received', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    by: 'sender',
  },
  acknowledge: { from: ['requested'], to: 'received', by: 'receiver' },
  accept: { from: ['requested', 'received'], to: 'accepted', by: 'receiver' },
  reject: { from: ['requested', 'received'], to: 'rejected', by: 'receiver' },
  start: { from: ['accepted', 'on_hold'], to: 'in_progress', by: 'receiver' },
  hold: { from: ['in_progress'], to: 'on_hold', by: 'receiver' },
  complete: { from: ['in_progress'], to: 'completed', by: 'receiver' },
  fail: { from: ['accepted', 'in_progress', 'on_hold'], to: 'failed', by: 'receiver' },
  expire: { from: ['requested', 'received'], to: 'expired', by: 'system' },
  withdrawConsent: {
    from: ['draft', 'requested', 'received', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    by: 'system',
  },
  // The person moved where the receiver does not serve and no partner of its kind does (rules/moved.rule.ts).
  // A draft is still the sender's own: it stays for the sender to decide.
  moveAway: {
    from: ['requested', 'received', 'accepted', 'in_progress', 'on_hold'],
    to: 'cancelled',
    by: 'system',
  },
} as const satisfies Record<string, Transition>;
export type ReferralAction = keyof typeof TRANSITIONS;

/** A closed referral may be redirected to another receiver (a new referral linked to it). */
export const REDIRECTABLE: readonly ReferralStatus[] = ['rejected', 'failed', 'expired', 'cancelled'];
export const OPEN: readonly ReferralStatus[] = ['draft', 'requested', 'received', 'accepted', 'in_progress', 'on_hold'];

/** The actions a role may take in a status. */
export function allowedActions(status: ReferralStatus, role: Role): ReferralAction[] {
  return (Object.keys(TRANSITIONS) as ReferralAction[]).filter((a) => {
    const t: Transition = TRANSITIONS[a];
    return t.by === role && t.from.includes(status);
  });
}
