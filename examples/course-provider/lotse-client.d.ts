/** Types of lotse-client.js. */
export class LotseError extends Error {
  code: string | undefined;
}
export class LotseClient {
  constructor(options: { url: string; token: string | (() => string | Promise<string>); purpose?: string; attempts?: number });
  acceptReferral(id: string): Promise<{ id: string; status: string }>;
  rejectReferral(id: string, reason: string): Promise<{ id: string; status: string; reasonCode: string }>;
  /** Ids of the referrals in your inbox that hold a place: accepted, in progress or on hold. */
  referralsHoldingPlaces(): Promise<Set<string>>;
}
/** The GraphQL documents the client sends, by operation name (also in operations.json). */
export const OPERATIONS: Record<'AcceptReferral' | 'RejectReferral' | 'PlacesHeld', string>;
