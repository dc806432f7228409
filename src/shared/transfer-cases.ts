/**
 * How the events worker opens the city's cases from accepted transfers (the eUMA track,
 * docs/case-management-help-plan.md) without touching the city's tables: an interface the
 * container wires to the city's EumaService (in-process today; a client of the city subgraph once
 * it runs apart, ADR 0007). Idempotent: a redelivered event opens nothing twice.
 */
export interface TransferCases {
  /**
   * A referral's status changed (the payload of `referral.status_changed`); only an accepted eUMA
   * transfer opens a case. Returns what happened as a code (opened, already_opened, not_euma, …).
   */
  statusChanged(
    change: { referralId: string; kind: string; to: string; receiver: string; referralType: string },
    cause: { eventId: string; occurredAt: Date },
  ): Promise<string>;
}
