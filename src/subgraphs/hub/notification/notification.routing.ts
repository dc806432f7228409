import { EntityManager } from 'typeorm';
import { EVENT_CATEGORY, EventPayloads, EventType } from '../../../events/event-types';
import { OutboxEvent } from '../../../events/outbox.entity';
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
 * Who hears of an event. Referral changes go to the parties other than the one who acted
 * (system changes to both); status changes of a person go to the case owners and the parties
 * of the person's open referrals. The actor never hears of its own action.
 */
export async function routeEvent(em: EntityManager, e: OutboxEvent): Promise<Recipient[]> {
  const type = e.type as EventType;
  const base = { eventId: e.id, personId: e.personId, category: EVENT_CATEGORY[type], occurredAt: e.occurredAt };
  const to = (partners: Array<string | null | undefined>, publicType: PublicEventType, referralId: string | null): Recipient[] =>
    [...new Set(partners.filter((p): p is string => !!p && p !== e.actorPartner))].map((partner) => ({ ...base, partner, type: publicType, referralId }));

  const publicType = publicTypeOf(e);
  if (!publicType) return [];
  switch (type) {
    case 'referral.status_changed': {
      const p = e.payload as unknown as EventPayloads['referral.status_changed'];
      return to([p.sender, p.receiver], publicType, p.referralId);
    }
    case 'referral.escalated': {
      const p = e.payload as unknown as EventPayloads['referral.escalated'];
      const [r] = await em.query('SELECT sender FROM hub.referral WHERE id = $1', [p.referralId]);
      return to([p.escalateTo, r?.sender], publicType, p.referralId);
    }
    case 'handover.gap_flagged': {
      const p = e.payload as unknown as EventPayloads['handover.gap_flagged'];
      return to([p.sender, p.receiver], publicType, p.referralId);
    }
    case 'handover.unassigned': {
      const p = e.payload as unknown as EventPayloads['handover.unassigned'];
      return to([p.partner], publicType, p.referralId);
    }
    case 'arrival.counselling_proposed': {
      const p = e.payload as unknown as EventPayloads['arrival.counselling_proposed'];
      return to([p.partner], publicType, null);
    }
    case 'arrival.followup_due': {
      const p = e.payload as unknown as EventPayloads['arrival.followup_due'];
      return to([p.partner], publicType, p.referralId);
    }
    default:
      // person.status_changed
      return e.personId ? to(await personParties(em, e.personId), publicType, null) : [];
  }
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
