import type Redis from 'ioredis';
import { DataCategory, DATA_CATEGORIES } from '../policy/policy.vocabulary';
import { Logger } from '../shared/logger';
import { EVENT_CATEGORY, EventType, isEventOf, isKnownEvent } from './event-types';
import { OutboxEvent } from './outbox.entity';
import { LIVE_EVENTS, publicTypeOf } from './public-events';

/**
 * Live events: after the events worker has handled an outbox event it publishes an ids-only
 * message on Redis pub/sub; every gateway process listens once and fans it out to its
 * WebSocket subscriptions (src/gateway/subscriptions*.ts). Pub/sub keeps nothing: a gateway that
 * is down or reconnecting misses messages (live delivery is at most once; the record is in
 * PostgreSQL and in the queries).
 */
export interface LiveEvent {
  eventId: string;
  /** The internal event type (src/events/catalogue.ts). */
  type: EventType;
  /** Its name in the public catalogue (src/events/public-events.ts). */
  publicType: string;
  /** The data category the event reveals: a subscriber needs a basis for it. */
  category: DataCategory;
  personId: string | null;
  referralId: string | null;
  occurredAt: string;
  /** Sender and receiver, for a change of a referral's status: nobody else can see it, so gateways skip everyone else without a query. */
  parties?: string[];
}

/** Whether the event could concern the partner at all (false: skip it without asking the subgraphs). */
export function mayConcern(e: LiveEvent, partner: string): boolean {
  return !e.parties || e.parties.includes(partner);
}

export const liveEventsChannel = (prefix: string) => `${prefix}:live-events`;

/** The public type of an event that live subscriptions carry (the catalogue's `live`), or null. */
export function publicLiveType(e: Pick<OutboxEvent, 'type' | 'payload'>): string | null {
  const publicType = publicTypeOf(e);
  return publicType && LIVE_EVENTS.has(publicType) ? publicType : null;
}

/** The message for an outbox event, or null if live subscriptions do not carry it. Ids and codes only. */
export function toLiveEvent(e: OutboxEvent): LiveEvent | null {
  const publicType = publicLiveType(e);
  if (!publicType || !isKnownEvent(e)) return null;
  const referralId = typeof e.payload.referralId === 'string' ? e.payload.referralId : null;
  const message: LiveEvent = {
    eventId: e.id,
    type: e.type,
    publicType,
    category: EVENT_CATEGORY[e.type],
    personId: e.personId,
    referralId,
    occurredAt: new Date(e.occurredAt).toISOString(),
  };
  if (isEventOf(e, 'referral.status_changed')) message.parties = [e.payload.sender, e.payload.receiver];
  return message;
}

/** Publishes on the container's Redis connection; a failure is logged, never thrown (the event is handled). */
export class LiveEventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async publish(event: OutboxEvent): Promise<void> {
    const message = toLiveEvent(event);
    if (!message) return;
    try {
      await this.redis.publish(liveEventsChannel(this.prefix), JSON.stringify(message));
    } catch (err) {
      this.log.warn({ eventId: event.id, err: { name: (err as Error).name } }, 'live event not published');
    }
  }
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isId = (v: unknown): v is string | null => v === null || (typeof v === 'string' && UUID.test(v));

/** A message from Redis, checked field by field (whoever can publish on the channel is not trusted blindly). */
export function parseLiveEvent(raw: string): LiveEvent | null {
  let m: Partial<LiveEvent>;
  try {
    m = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object') return null;
  if (typeof m.eventId !== 'string' || !UUID.test(m.eventId)) return null;
  if (typeof m.type !== 'string' || typeof m.publicType !== 'string') return null;
  if (!(DATA_CATEGORIES as readonly string[]).includes(String(m.category))) return null;
  if (!isId(m.personId ?? null) || !isId(m.referralId ?? null)) return null;
  if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt))) return null;
  if (
    m.parties !== undefined &&
    !(
      Array.isArray(m.parties) &&
      m.parties.length <= 2 &&
      m.parties.every((p) => typeof p === 'string' && SLUG.test(p))
    )
  )
    return null;
  const event: LiveEvent = {
    eventId: m.eventId,
    type: m.type,
    publicType: m.publicType,
    category: m.category!,
    personId: m.personId ?? null,
    referralId: m.referralId ?? null,
    occurredAt: m.occurredAt,
  };
  if (m.parties) event.parties = m.parties;
  return event;
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * One Redis subscriber connection per gateway process (a connection in subscriber mode can do
 * nothing else), fanning every message out to the local listeners.
 */
export class LiveEventSubscriber {
  private readonly listeners = new Set<LiveListener>();
  private started?: Promise<void>;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    connection.on('message', (channel: string, raw: string) => {
      if (channel !== liveEventsChannel(this.prefix)) return;
      const event = parseLiveEvent(raw);
      if (!event) return void this.log.warn('malformed live event ignored');
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch (err) {
          this.log.warn({ eventId: event.eventId, err: { name: (err as Error).name } }, 'live event listener failed');
        }
      }
    });
    connection.on('error', (err) => this.log.warn({ err: { message: err.message } }, 'live events connection error'));
  }

  /** Subscribes to the channel (ioredis re-subscribes by itself after a reconnect). */
  start(): Promise<void> {
    return (this.started ??= this.connection.subscribe(liveEventsChannel(this.prefix)).then(() => undefined));
  }

  listen(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.connection.disconnect();
  }
}
