import { DataCategory } from '../policy/policy.vocabulary';
import { CatalogueEntry, EVENT_CATALOGUE, EventSpec, PublicKind } from './catalogue';
import { OutboxEvent } from './outbox.entity';

/**
 * Types and lists derived from the event catalogue (catalogue.ts), which is the one place the
 * facts about an event live. The outbox row stays in PostgreSQL; a queue job carries only
 * { eventId, source } so Redis never holds personal data.
 */
type Catalogue = typeof EVENT_CATALOGUE;
type PayloadOf<E> = E extends CatalogueEntry<infer P, string> ? P : never;
type TypesOf<X> = NonNullable<X> extends { types: infer R } ? keyof R & string : never;
type PublicOf<E> = E extends { public: infer X } ? TypesOf<X> : never;

export type EventType = keyof Catalogue;
export type EventPayloads = { [T in EventType]: PayloadOf<Catalogue[T]> };
/** A type of the public catalogue: what partners subscribe to, find in their inbox and receive live. */
export type PublicEventType = { [T in EventType]: PublicOf<Catalogue[T]> }[EventType];

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** An entry seen without its own public types (every entry is one of these). */
export type EventEntry<P> = Omit<EventSpec<P, never>, 'public'> & {
  public: { types: Partial<Record<PublicEventType, PublicKind>>; of?: (p: P) => string | null } | null;
};
const ENTRIES: { [T in EventType]: EventEntry<EventPayloads[T]> } = EVENT_CATALOGUE;

/** The catalogue entry of an event type. */
export function entryOf<T extends EventType>(type: T): EventEntry<EventPayloads[T]> {
  return ENTRIES[type];
}

export const isEventType = (type: string): type is EventType =>
  Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);

export interface DomainEvent<T extends EventType = EventType> {
  type: T;
  /** The person the event is about, when there is one: it goes into that person's biography. */
  personId: string | null;
  aggregateType: string;
  aggregateId: string;
  payload: EventPayloads[T];
}

/** A stored event of one type, its payload typed: what handlers receive. */
export type EventOf<T extends EventType> = Omit<OutboxEvent, 'type' | 'payload'> & {
  type: T;
  payload: EventPayloads[T];
};
/** Type and payload only, as in a row of any shape. */
type Typed = { [T in EventType]: { type: T; payload: EventPayloads[T] } }[EventType];

/**
 * The one narrowing of a stored row: its type names the entry, and the entry's payload is what the
 * writer (Outbox.append, typed by DomainEvent) stored.
 */
export function isEventOf<T extends EventType>(row: OutboxEvent, type: T): row is OutboxEvent & EventOf<T> {
  return row.type === type;
}

/** The same for a row of any shape whose type is not known in advance (null-free when it is in the catalogue). */
export function isKnownEvent<R extends { type: string; payload: Record<string, unknown> }>(row: R): row is R & Typed {
  return isEventType(row.type);
}

/** The data category each event reveals: for the audit entry of the write and for who may see it in a biography. */
export const EVENT_CATEGORY = Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENT_CATALOGUE[t].category])) as Record<
  EventType,
  DataCategory
>;

/** What a queue job carries. */
export interface EventJobData {
  eventId: string;
  source: string;
  /** W3C trace context of the relay's `outbox.publish` span, when tracing is on (ids only). */
  traceparent?: string;
}
