import { DataSource } from 'typeorm';
import { Decision, PolicyDecisionPoint, RequestPolicy } from '../../../policy/policy.service';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { Actor } from '../../../shared/actor';
import { CLOSING_EVENTS, isReferralEvent } from '../../../events/public-events';

export interface ReferralFacts {
  id: string;
  kind: string;
  purpose: string;
  referralType: string;
  sender: string;
  receiver: string;
  status: string;
  reasonCode: string | null;
}

/** What lets a partner receive a webhook about a person now, and the request policy to read its fields under. */
export interface SendBasis {
  purpose: string | null;
  /** The category the decision was made for. */
  category: DataCategory;
  decision: Decision;
  /** Null when the event is about no person. */
  policy: RequestPolicy | null;
  referral: ReferralFacts | null;
  /** A closing notice to a party left without a basis: the referral's ids and codes, nothing of the person. */
  withoutPerson?: boolean;
}

/**
 * Public types that end something a partner holds (the catalogue's `closing` kind,
 * src/events/catalogue.ts): a referral, or a provider's registration of an entitlement. Its
 * parties are told even when they no longer have a basis for the person (a referral-bound basis
 * ends with the referral; a consent may have been withdrawn; the person moved out of the
 * provider's area): a recipient must learn that it has to stop processing (DSGVO Art. 19). Such a
 * notice carries ids and codes only (the referral's; the entitlement's `details`) — no person id,
 * no person fields. Events of a referral or transfer (isReferralEvent) carry the
 * referral's codes and the person.
 */
export { CLOSING_EVENTS, isReferralEvent } from '../../../events/public-events';

/** The partner as the policy decision point sees a recipient of a webhook (no scopes, one purpose). */
export function recipientActor(partner: string, purpose: string | null, requestId: string): Actor {
  return { subject: 'webhook', partner, scopes: [], jurisdiction: [], purpose, requestId };
}

export async function referralFacts(hub: DataSource, referralId: string | null): Promise<ReferralFacts | null> {
  if (!referralId) return null;
  const [r] = await hub.query(
    `SELECT id, kind, purpose, referral_type AS "referralType", sender, receiver, status, reason_code AS "reasonCode" FROM hub.referral WHERE id = $1`,
    [referralId],
  );
  return r ?? null;
}

/**
 * Whether `partner` may be told of the event now. An event about a person needs a legal basis or
 * the person's active consent, checked when each attempt is sent:
 * - for an event of a referral or transfer, to know the person (identity) under the referral's
 *   purpose — the basis the referral itself was sent on; its status and codes are shared by its
 *   parties (as in `referrals`). The sender, which owns the case, may also rely on its own purposes;
 * - for any other event, for the category the event reveals (e.g. residence), under any purpose
 *   the partner acts for (the first that has one).
 * Null: nothing allows it, and nothing may be sent.
 */
export async function sendBasis(
  pdp: PolicyDecisionPoint,
  hub: DataSource,
  d: {
    id: string;
    partner: string;
    eventType: string;
    personId: string | null;
    referralId: string | null;
    category: string;
  },
): Promise<SendBasis | null> {
  const referral = await referralFacts(hub, d.referralId);
  const [p] = await hub.query('SELECT purposes FROM hub.partner WHERE slug = $1 AND active', [d.partner]);
  if (!p) return null;
  const own: string[] = p.purposes ?? [];
  const ofReferral = referral !== null && isReferralEvent(d.eventType);
  const purposes = !referral
    ? own
    : d.partner === referral.sender
      ? [referral.purpose, ...own.filter((x) => x !== referral.purpose)]
      : [referral.purpose];
  const category = (ofReferral ? 'identity' : d.category) as DataCategory;
  if (!d.personId)
    return { purpose: purposes[0] ?? null, category, decision: { allowed: true, basis: null }, policy: null, referral };
  for (const purpose of purposes) {
    const policy = pdp.forRequest(recipientActor(d.partner, purpose, d.id));
    const decision = await policy.decide(d.personId, category);
    if (decision.allowed) return { purpose, category, decision, policy, referral };
  }
  // A closing type outside referrals (e.g. entitlement.released) is told only to the partners its
  // event names, which must let go of what they hold: ids and codes, never the person.
  if (!ofReferral && CLOSING_EVENTS.has(d.eventType)) {
    return {
      purpose: purposes[0] ?? null,
      category,
      decision: { allowed: true, basis: null },
      policy: null,
      referral,
      withoutPerson: true,
    };
  }
  if (
    ofReferral &&
    CLOSING_EVENTS.has(d.eventType) &&
    (d.partner === referral.sender || d.partner === referral.receiver)
  ) {
    return {
      purpose: referral.purpose,
      category,
      decision: { allowed: true, basis: null },
      policy: null,
      referral,
      withoutPerson: true,
    };
  }
  return null;
}
