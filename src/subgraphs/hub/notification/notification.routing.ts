import { EntityManager } from 'typeorm';
import { entryOf, EventOf, EventType } from '../../../events/event-types';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { OPEN } from '../referral/referral.state';
import { PublicEventType, publicTypeOf } from '../../../events/public-events';

// The catalogue lives with the events; re-exported here for the hub's users of the routing.
export { PUBLIC_EVENT_TYPES } from '../../../events/public-events';
export type { PublicEventType } from '../../../events/public-events';

/** One partner to tell about one event. Ids and codes only: data is read (and checked) at send time. */
export interface Recipient {
  partner: string;
  type: PublicEventType;
  eventId: string;
  personId: string | null;
  referralId: string | null;
  /** The data category the event reveals about the person: the recipient needs a basis for it at send time. */
  category: DataCategory;
  occurredAt: Date;
}

/**
 * Who hears of an event: what its catalogue entry's `tell` names (src/events/catalogue.ts), with
 * the referral's sender and the person's parties looked up here. The actor never hears of its
 * own action.
 */
export async function routeEvent<T extends EventType>(em: EntityManager, e: EventOf<T>): Promise<Recipient[]> {
  const entry = entryOf(e.type);
  const publicType = publicTypeOf(e);
  if (!publicType || !entry.tell) return [];
  const referralId = entry.referralOf?.(e.payload) ?? null;
  const partners = [...(entry.tell.partners?.(e.payload) ?? [])];
  if (entry.tell.referralSender && referralId) {
    const [r] = await em.query('SELECT sender FROM hub.referral WHERE id = $1', [referralId]);
    partners.push(r?.sender);
  }
  if (entry.tell.personParties && e.personId) partners.push(...(await personParties(em, e.personId)));
  const base = { eventId: e.id, personId: e.personId, category: entry.category, occurredAt: e.occurredAt, referralId };
  const told = new Set(partners.filter((p): p is string => !!p && p !== e.actorPartner));
  return [...told].map((partner) => ({ ...base, type: publicType, partner }));
}

/** The person's current case owners and both sides of their open referrals. */
async function personParties(em: EntityManager, personId: string): Promise<string[]> {
  const rows: Array<{ partner: string }> = await em.query(
    `SELECT partner FROM hub.case_owner WHERE person_id = $1 AND until IS NULL
     UNION SELECT sender FROM hub.referral WHERE person_id = $1 AND status = ANY($2)
     UNION SELECT receiver FROM hub.referral WHERE person_id = $1 AND status = ANY($2)`,
    [personId, [...OPEN]],
  );
  return rows.map((r) => r.partner);
}
