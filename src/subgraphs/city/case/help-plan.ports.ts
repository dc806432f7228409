import type { Actor } from '../../../shared/actor';
import type { Logger } from '../../../shared/logger';

/** A provider partner as the help plan needs to know it. */
export interface HelpPlanProvider {
  slug: string;
  kind: string;
  active: boolean;
  purposes: string[];
}

/** One deadline of a cooperation agreement on a referral (state: open, overdue, met, met_late, breached, closed). */
export interface HelpPlanDeadline {
  kind: string;
  dueAt: Date;
  state: string;
}

/** What the help plan shows of a referral: read live from the hub, never copied into the city. */
export interface HelpPlanReferralState {
  id: string;
  status: string;
  dueOn: string | null;
  deadlines: HelpPlanDeadline[];
}

/** A referral as the hub holds it (the eUMA track reads the accepted transfer). */
export interface HubReferral {
  id: string;
  kind: string;
  status: string;
  purpose: string;
  referralType: string;
  sender: string;
  receiver: string;
  personId: string;
  dueOn: string | null;
}

/**
 * What the help plan and the eUMA track need of the hub's partners and referrals, wired by the container to the
 * hub's services: the city subgraph never reads the hub schema (ADR 0007).
 */
export interface HelpPlanReferrals {
  /** The partner by slug, or null. */
  provider(slug: string): Promise<HelpPlanProvider | null>;
  /** A referral, read as the hub (background work only), or null. */
  referral(referralId: string): Promise<HubReferral | null>;
  /** Creates the referral as the case's holder (sent at once when `send`); the hub checks it again. */
  create(
    actor: Actor,
    input: {
      personId: string;
      receiver: string;
      purpose: string;
      referralType: string;
      dueOn: string | null;
      send: boolean;
    },
  ): Promise<{ id: string; status: string }>;
  /** Cancels a referral the holder sent (the compensation when the help-plan item cannot be written). */
  cancel(actor: Actor, referralId: string): Promise<void>;
  /** The referrals' states, for the holder (their sender): one batch, whatever the number of items. */
  states(actor: Actor, refs: ReadonlyArray<{ referralId: string; personId: string }>): Promise<HelpPlanReferralState[]>;
}

/** What the city's case features need from outside the city, built by the container. */
export interface CaseDeps {
  referrals: HelpPlanReferrals;
  /** Codes and ids only: a failed compensation is logged, never the person. */
  log: Logger;
}
