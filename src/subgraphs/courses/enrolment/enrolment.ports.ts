import type { Actor } from '../../../shared/actor';
import type { Logger } from '../../../shared/logger';
import type { PendingOffer } from './enrolment.waitlist';

/**
 * What enrolments need of the hub's referrals, wired by the container: the courses subgraph never
 * reads the hub schema (ADR 0007).
 */
export interface ReferralLookup {
  /** An accepted (or started) integration-course referral received by `provider`; null otherwise. */
  acceptedFor(provider: string, referralId: string): Promise<{ personId: string; sender: string } | null>;
  /** The sender of a referral, or null. */
  senderOf(referralId: string): Promise<string | null>;
  /** The receiver started work on the referral: the person is enrolled (best effort, after commit). */
  start(actor: Actor, referralId: string): Promise<void>;
}

/** Timers for seat offers (the `sla` queue's `offerExpiry` jobs); set after the offer commits. */
export interface OfferTimers {
  schedule(offers: PendingOffer[]): Promise<void>;
}

export type OfferOutcome = { outcome: 'done' | 'expired' } | { outcome: 'wait'; waitMs: number };

export interface EnrolmentDeps {
  referrals: ReferralLookup;
  timers: OfferTimers;
  offerDays: number;
  log: Logger;
}
