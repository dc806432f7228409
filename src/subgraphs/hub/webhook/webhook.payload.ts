import { AccessRecord } from '../../../policy/policy.service';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { isReferralEvent, SendBasis } from './webhook.basis';
import { WebhookDeliveryEntity } from './webhook.entity';

/** The person as the city knows it, read at send time (in-process, as the hub). */
export interface PersonRecord {
  givenName: string;
  familyName: string;
  birthDate: string | null;
  municipalityKey: string;
  street: string | null;
  houseNumber: string | null;
  postalCode: string | null;
  locality: string | null;
}

/** What each category puts into the webhook's `person` object (the same categories as the Person fields in the SDL). */
const PERSON_FIELDS: Partial<Record<DataCategory, (p: PersonRecord) => Record<string, unknown>>> = {
  identity: (p) => ({ givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate }),
  contact: (p) => ({
    municipalityKey: p.municipalityKey,
    address: { street: p.street, houseNumber: p.houseNumber, postalCode: p.postalCode, locality: p.locality },
  }),
};

export interface PayloadSources {
  person: PersonRecord | null;
}

export interface BuiltPayload {
  body: string;
  /** What the body reveals about the person, for the audit log (written before the body leaves). */
  records: AccessRecord[];
}

/**
 * The webhook body: `{type, timestamp, data}`. `data` names the event, referral and person by id;
 * an event of a referral or transfer adds the referral's codes and a `person` object with only
 * the fields whose category the recipient has a basis for now, under the purpose that let it be
 * told of the event. Other events carry ids only; a closing notice to a party left without a basis
 * carries the referral's ids and codes without the person (CLOSING_EVENTS).
 */
export async function buildPayload(
  d: WebhookDeliveryEntity,
  basis: SendBasis,
  src: PayloadSources,
): Promise<BuiltPayload> {
  const personId = basis.withoutPerson ? null : d.personId;
  const data: Record<string, unknown> = { eventId: d.eventId, referralId: d.referralId, personId };
  const r = isReferralEvent(d.eventType) ? basis.referral : null;
  if (r) {
    // The referral as it is now: a late retry tells the current status, not a stale one.
    Object.assign(data, {
      status: r.status,
      kind: r.kind,
      referralType: r.referralType,
      purpose: r.purpose,
      sender: r.sender,
      receiver: r.receiver,
      reasonCode: r.reasonCode,
    });
  }
  // Ids and codes of the event: with the person, or in a closing notice (what to let go of), or
  // for an event about no person at all (an employer enquiry).
  if (d.details && (personId || basis.withoutPerson || !d.personId)) data.details = d.details;
  const records: AccessRecord[] = [];
  if (personId) {
    records.push({
      kind: 'read',
      personId,
      category: basis.category,
      field: `WebhookEvent.${d.eventType}`,
      basis: basis.decision.basis,
    });
  }
  if (personId && r) {
    const person: Record<string, unknown> = {};
    if (src.person && basis.policy) {
      for (const [category, pick] of Object.entries(PERSON_FIELDS) as Array<
        [DataCategory, (p: PersonRecord) => Record<string, unknown>]
      >) {
        const decision = await basis.policy.decide(personId, category);
        if (!decision.allowed) continue;
        const fields = pick(src.person);
        Object.assign(person, fields);
        for (const f of Object.keys(fields))
          records.push({ kind: 'read', personId, category, field: `WebhookPerson.${f}`, basis: decision.basis });
      }
    }
    data.person = person;
  }
  return { body: JSON.stringify({ type: d.eventType, timestamp: d.occurredAt.toISOString(), data }), records };
}
