import type { EntityManager } from 'typeorm';
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

/**
 * What a seat means for the person's entitlement (Berechtigungsschein), inside the enrolment's
 * transaction: taking it up puts the entitlement for the course's kind in use at the provider (a
 * CONFLICT when another provider holds it: transfer it first); attended lessons count as used
 * hours. Wired by the courses subgraph to the entitlement ledger; courses of kinds no entitlement
 * covers change nothing.
 */
export interface CourseUse {
  enrolled(em: EntityManager, personId: string, courseId: string, provider: string): Promise<void>;
  attended(em: EntityManager, personId: string, courseId: string, provider: string, lessons: number): Promise<void>;
}
