/**
 * What arrival visits need of the hub, wired by the container: the city never reads the hub
 * schema (ADR 0007).
 */
export interface ArrivalReferral {
  id: string;
  personId: string;
  sender: string;
  receiver: string;
  referralType: string;
  status: string;
  createdAt: Date;
}

export interface ArrivalHubPorts {
  /** A referral by id (any status), or null. */
  referral(referralId: string): Promise<ArrivalReferral | null>;
  /**
   * Referrals of these types for these persons, sent (not drafts) and created on `fromDay` or later,
   * by anyone: a contact the family made since its visit.
   */
  sentSince(personIds: string[], referralTypes: string[], fromDay: string): Promise<ArrivalReferral[]>;
  /** Whether the partner is an arrival counselling team: kind social_services, acting for arrival_counselling, active. */
  isArrivalTeam(partner: string): Promise<boolean>;
}
