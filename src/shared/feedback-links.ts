/**
 * How the events worker removes the links of client feedback made under a consent that was
 * withdrawn (docs/feedback.md) without writing the city's tables: an interface the container wires
 * to the city's FeedbackService (in-process today, ADR 0007). Idempotent: a second call finds none.
 */
export interface FeedbackLinks {
  /** Deletes the feedback-person links made under the consent; the anonymous rows stay. Returns how many went. */
  consentWithdrawn(consentId: string, causeEventId: string): Promise<number>;
}
