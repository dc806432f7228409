import { entryOf, EVENT_TYPES, EventPayloads, EventType, isKnownEvent, PublicEventType } from './event-types';
import { OutboxEvent } from './outbox.entity';

export type { PublicEventType } from './event-types';

/**
 * The public event catalogue, derived from the entries of catalogue.ts: what partners subscribe to
 * (webhooks), find in their inbox and receive live. Who hears of which event is the entries'
 * `tell`, resolved by src/subgraphs/hub/notification/notification.routing.ts.
 */
export const PUBLIC_EVENT_TYPES: readonly PublicEventType[] = [
  ...new Set(EVENT_TYPES.flatMap((t) => Object.keys(entryOf(t).public?.types ?? {}) as PublicEventType[])),
];

const kindOf = (type: string) => {
  for (const t of EVENT_TYPES) {
    const kind = entryOf(t).public?.types[type as PublicEventType];
    if (kind) return { kind, entry: entryOf(t) };
  }
  return null;
};

/** Public types that end a referral or a registration: its parties are told even when left without a basis (ADR 0004). */
export const CLOSING_EVENTS: ReadonlySet<string> = new Set(
  PUBLIC_EVENT_TYPES.filter((t) => kindOf(t)?.kind === 'closing'),
);

/** Public types of referrals and transfers: webhooks carry the referral's codes and the person with them. */
export const REFERRAL_EVENTS: ReadonlySet<string> = new Set(
  PUBLIC_EVENT_TYPES.filter((t) => kindOf(t)?.entry.visibility === 'referral'),
);

/** Public types that live subscriptions carry. */
export const LIVE_EVENTS: ReadonlySet<string> = new Set(PUBLIC_EVENT_TYPES.filter((t) => kindOf(t)?.entry.live));

export const isReferralEvent = (publicType: string): boolean => REFERRAL_EVENTS.has(publicType);

function publicOf<T extends EventType>(e: { type: T; payload: EventPayloads[T] }): PublicEventType | null {
  const pub = entryOf(e.type).public;
  if (!pub) return null;
  const candidate = pub.of ? pub.of(e.payload) : Object.keys(pub.types)[0];
  return candidate && candidate in pub.types ? (candidate as PublicEventType) : null;
}

/** The public type of an internal event, or null when partners are not told of it (e.g. a draft). */
export function publicTypeOf(e: Pick<OutboxEvent, 'type' | 'payload'>): PublicEventType | null {
  return isKnownEvent(e) ? publicOf(e) : null;
}
