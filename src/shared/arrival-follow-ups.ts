/**
 * How the events worker tells the city's arrival visits of a referral sent (docs/arrival-counselling.md)
 * without reading or writing the city's tables: an interface the container wires to the city's
 * ArrivalService (in-process today, ADR 0007). Idempotent: a visit with a follow-up contact keeps it.
 */
export interface ArrivalFollowUps {
  /**
   * A referral sent on `sentOn` for a person: one to a district office or the school placement
   * within 2 months after a visit to the person's family is its follow-up. Returns the visits updated.
   */
  referralSent(
    sent: { referralId: string; personId: string; referralType: string; sentOn: string },
    causeEventId: string,
  ): Promise<number>;
  /**
   * Whether a visit to the family (household, or the person without one) already has its follow-up
   * contact (district_office or school_placement): the new-arrival rule's reminder is then moot.
   */
  followUpKnown(family: { personId: string; householdId: string | null }, causeEventId: string): Promise<boolean>;
}
