import { EventPayloads, EventType } from './event-types';
import { OutboxEvent } from './outbox.entity';

/**
 * The public event catalogue: what partners subscribe to (webhooks), find in their inbox and
 * receive live. Internal events are mapped onto it here, once; who hears of which event is
 * src/subgraphs/hub/notification/notification.routing.ts.
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

const isPublic = (t: string): t is PublicEventType => (PUBLIC_EVENT_TYPES as readonly string[]).includes(t);

/** Internal events that are a change of a person's status. */
export const STATUS_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['person.residence_status_recorded', 'jobcenter.benefit_status_changed', 'person.moved']);

/** The public type of an internal event, or null when partners are not told of it (e.g. a draft). */
export function publicTypeOf(e: Pick<OutboxEvent, 'type' | 'payload'>): PublicEventType | null {
  const type = e.type as EventType;
  if (type === 'referral.status_changed') {
    const p = e.payload as unknown as EventPayloads['referral.status_changed'];
    if (p.to === 'draft') return null;
    if (p.kind === 'transfer') return p.to === 'accepted' ? 'entitlement.transferred' : isPublic(`transfer.${p.to}`) ? (`transfer.${p.to}` as PublicEventType) : null;
    return isPublic(`referral.${p.to}`) ? (`referral.${p.to}` as PublicEventType) : null;
  }
  if (STATUS_EVENTS.has(type)) return 'person.status_changed';
  return isPublic(type) ? type : null;
}
