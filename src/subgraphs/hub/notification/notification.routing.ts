import { EntityManager } from 'typeorm';
import { EVENT_CATEGORY, EventPayloads, EventType } from '../../../events/event-types';
import { OutboxEvent } from '../../../events/outbox.entity';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { OPEN } from '../referral/referral.state';

/**
 * The public event catalogue: what partners subscribe to (webhooks) and find in their inbox.
 * Internal events are mapped onto it here, once, for webhooks, the inbox and live subscriptions.
 */
export const PUBLIC_EVENT_TYPES = [
  'referral.requested', 'referral.received', 'referral.accepted', 'referral.rejected', 'referral.in_progress',
  'referral.on_hold', 'referral.completed', 'referral.failed', 'referral.cancelled', 'referral.expired',
  'referral.escalated',
  'transfer.requested', 'transfer.received', 'transfer.rejected', 'transfer.cancelled', 'transfer.expired',
  'entitlement.transferred',
  'person.status_changed',
  'handover.gap_flagged', 'handover.unassigned', 'arrival.counselling_proposed', 'arrival.followup_due',
] as const;
export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

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

const STATUS_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['person.residence_status_recorded', 'jobcenter.benefit_status_changed', 'person.moved']);

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

  switch (type) {
    case 'referral.status_changed': {
      const p = e.payload as unknown as EventPayloads['referral.status_changed'];
      const publicType = referralType(p.kind, p.to);
      return publicType ? to([p.sender, p.receiver], publicType, p.referralId) : [];
    }
    case 'referral.escalated': {
      const p = e.payload as unknown as EventPayloads['referral.escalated'];
      const [r] = await em.query('SELECT sender FROM hub.referral WHERE id = $1', [p.referralId]);
      return to([p.escalateTo, r?.sender], 'referral.escalated', p.referralId);
    }
    case 'handover.gap_flagged': {
      const p = e.payload as unknown as EventPayloads['handover.gap_flagged'];
      return to([p.sender, p.receiver], 'handover.gap_flagged', p.referralId);
    }
    case 'handover.unassigned': {
      const p = e.payload as unknown as EventPayloads['handover.unassigned'];
      return to([p.partner], 'handover.unassigned', p.referralId);
    }
    case 'arrival.counselling_proposed': {
      const p = e.payload as unknown as EventPayloads['arrival.counselling_proposed'];
      return to([p.partner], 'arrival.counselling_proposed', null);
    }
    case 'arrival.followup_due': {
      const p = e.payload as unknown as EventPayloads['arrival.followup_due'];
      return to([p.partner], 'arrival.followup_due', p.referralId);
    }
    default:
      if (STATUS_EVENTS.has(type) && e.personId) return to(await personParties(em, e.personId), 'person.status_changed', null);
      return [];
  }
}

function referralType(kind: string, status: string): PublicEventType | null {
  if (status === 'draft') return null;
  if (kind === 'transfer') {
    if (status === 'accepted') return 'entitlement.transferred';
    const t = `transfer.${status}`;
    return (PUBLIC_EVENT_TYPES as readonly string[]).includes(t) ? (t as PublicEventType) : null;
  }
  const t = `referral.${status}`;
  return (PUBLIC_EVENT_TYPES as readonly string[]).includes(t) ? (t as PublicEventType) : null;
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
