import { DataSource } from 'typeorm';
import { EVENT_TYPES, EventOf, EventType, isEventOf } from '../../events/event-types';
import { OutboxEvent } from '../../events/outbox.entity';
import { systemActor } from '../../shared/actor';
import { isoDay } from '../../shared/time';
import { noTracing, Tracing } from '../../shared/tracing';
import { movesDeadlines } from './agreement/agreement.service';
import { HubServices } from './hub.context';
import { IdentifierSystem } from './identifier/identifier.types';
import { routeEvent } from './notification/notification.routing';

/** What the events worker calls with a stored row (any type). */
export type EventHandler = (event: OutboxEvent, source: string) => Promise<void>;
/** A handler of one event type, its payload typed by the catalogue (src/events/catalogue.ts). */
export type HandlerOf<T extends EventType> = (event: EventOf<T>, source: string) => Promise<void>;
export type EventHandlers = { [T in EventType]: HandlerOf<T> };

/**
 * What the hub does with every domain event: one typed handler per catalogue entry (a missing one
 * does not compile, and the worker refuses to boot). The dispatcher narrows each row once, then
 * runs the handler, the rules' hook for the type (src/rules, after the hub's own handling) and
 * finally tells the partners the catalogue names (inbox and webhooks; idempotent).
 */
export function hubEventHandlers(
  services: HubServices,
  dataSource: DataSource,
  rules: Partial<Record<EventType, EventHandler>> = {},
  tracing: Tracing = noTracing(),
): Record<EventType, EventHandler> {
  // One `event.consumer` span per consumer of the event, inside the worker's `event.handle`.
  const consumer = (name: string, fn: () => Promise<unknown>) =>
    tracing.span('event.consumer', { attributes: { 'lotse.consumer': name } }, fn);
  const biography = <T extends EventType>(e: EventOf<T>, source: string) => services.biography.record(e, source);
  // Arrival counselling (docs/arrival-counselling.md): a referral sent for a visited family's member to a
  // district office or the school placement is its follow-up; the city answers, idempotently.
  const arrivalFollowUp = async (e: EventOf<'referral.status_changed'>) => {
    if (e.payload.to !== 'requested') return;
    const { referralId, personId, referralType } = e.payload;
    const sentOn = isoDay(e.occurredAt);
    await services.arrivals.referralSent({ referralId, personId, referralType, sentOn }, e.id);
  };
  const handlers: EventHandlers = {
    // Duplicate suspicion (docs/duplicates.md) runs here, after the registering transaction: the
    // city answers through DuplicateChecks, the hub never reads its tables; only ever a suspicion.
    'person.registered': async (e, source) => {
      await biography(e, source);
      await services.duplicates.byName(e.payload.personId, e.id);
    },
    'person.moved': biography,
    'person.residence_status_recorded': biography,
    'person.identifier_added': async (e, source) => {
      await biography(e, source);
      for (const other of await services.identifiers.sameValueHolders(e.payload.identifierId))
        await services.duplicates.flag(e.payload.personId, other.personId, `shared_identifier:${other.system}`, e.id);
    },
    'person.duplicate_suspected': biography,
    'person.duplicate_dismissed': biography,
    // A confirmed duplicate: the merged record's identifiers and biography move to the kept person,
    // with the merge's own entry, in one transaction (idempotent: a second run moves nothing).
    'person.merged': async (e, source) => {
      const { personId, mergedPersonId } = e.payload;
      await dataSource.transaction(async (em) => {
        await services.identifiers.repointIn(em, mergedPersonId, personId);
        await services.biography.repointIn(em, mergedPersonId, personId);
        await services.biography.record(e, source, em);
      });
    },
    'jobcenter.benefit_status_changed': biography,
    'jobcenter.record_opened': async (e, source) => {
      await biography(e, source);
      // The jobcenter's customer number becomes an identifier partners can look the person up by.
      const { personId, customerNumber } = e.payload;
      const identifier = { personId, system: IdentifierSystem.jobcenter_customer_number, value: customerNumber };
      await dataSource.transaction((em) =>
        services.identifiers.addIn(em, systemActor(e.id), identifier, e.actorPartner),
      );
    },
    'consent.given': biography,
    // Reads stop at once (the decision point counts active consents only). What is still pending
    // and rests on the consent (referrals, unread notifications, webhook deliveries) is cancelled here.
    'consent.withdrawn': async (e, source) => {
      await biography(e, source);
      await services.referrals.cancelForWithdrawnConsent(systemActor(e.id), e.payload.consentId);
      await services.notifications.dropForWithdrawnConsent(e);
      await services.webhooks.cancelForWithdrawnConsent(e);
      // Client feedback linked under this consent: the city removes the links (docs/feedback.md).
      await services.feedbackLinks.consentWithdrawn(e.payload.consentId, e.id);
    },
    // Deadlines of cooperation agreements follow the referral's status (idempotent). The biography
    // entry and the deadlines the step moves commit in one transaction; a draft moves none.
    'referral.status_changed': async (e, source) => {
      // eUMA track: an accepted youth_to_adult transfer opens the receiver's case (city; idempotent).
      await services.transferCases.statusChanged(e.payload, { eventId: e.id, occurredAt: e.occurredAt });
      await arrivalFollowUp(e);
      if (!movesDeadlines(e)) return biography(e, source);
      const deadlines = await dataSource.transaction(async (em) => {
        await services.biography.record(e, source, em);
        return services.agreements.settleForEvent(em, e);
      });
      await services.agreements.ensureTimers(deadlines);
    },
    // Escalation to the agreement's partner: an entry in the biography; the partners are told below.
    'referral.escalated': biography,
    'handover.gap_flagged': biography,
    'handover.unassigned': biography,
    'arrival.counselling_proposed': biography,
    'arrival.followup_due': biography,
    'arrival.visit_planned': biography,
    'arrival.visit_recorded': biography,
    'arrival.followup_recorded': biography,
    // The entitlement ledger: every step in the biography; its parties are told below.
    'entitlement.issued': biography,
    'entitlement.obligation_added': biography,
    'entitlement.registered': biography,
    'entitlement.transferred': biography,
    'entitlement.released': biography,
    'entitlement.withdrawn': biography,
    'entitlement.lapsed': biography,
    'entitlement.in_use': biography,
    'entitlement.used': biography,
    // Enrolment steps (courses subgraph): a biography line; provider and referral sender are told below.
    'enrolment.waitlisted': biography,
    'enrolment.offered': biography,
    'enrolment.enrolled': biography,
    'enrolment.offer_expired': biography,
    'enrolment.completed': biography,
    'enrolment.dropped': biography,
    'enrolment.transferred': biography,
    // Case management (city): a biography line each; nobody else is told (catalogue.cases.ts).
    'case.opened': biography,
    'case.phase_changed': biography,
    'case.alliance_confirmed': biography,
    'case.assessment_recorded': biography,
    'case.health_assessment_recorded': biography,
    'case.goal_agreed': biography,
    'case.goal_updated': biography,
    'case.help_plan_item_added': biography,
    'case.appointment_scheduled': biography,
    'case.appointment_recorded': biography,
    'case.closed': biography,
    'case.reopened': biography,
    // Employer enquiries name no person: no biography entry; the routed partner or the employer is told below.
    'enquiry.received': async () => undefined,
    'enquiry.answered': async () => undefined,
    // Feedback a person chose to link: a biography line (case notes); nobody is told.
    'feedback.linked': biography,
    'feedback.unlinked': biography,
    // Not about a person: no biography entry, and no public event (yet) for partners.
    'courses.course_created': async () => undefined,
  };

  const dispatch = <T extends EventType>(type: T): EventHandler => {
    const handle: HandlerOf<T> = handlers[type];
    const hook = rules[type];
    return async (row, source) => {
      if (!isEventOf(row, type)) throw new Error(`event ${row.id} is ${row.type}, not ${type}`);
      await consumer('domain', () => handle(row, source));
      if (hook) await consumer('rules', () => hook(row, source));
      // Who hears of the event is worked out once for the inbox and the webhooks.
      const recipients = await routeEvent(dataSource.manager, row);
      await consumer('notifications', () => services.notifications.notify(row, recipients));
      await consumer('webhooks', () => services.webhooks.fanOut(row, source, recipients));
      // Last, so partners are not kept waiting for statistics: the indicator facts the event touches,
      // recomputed from their records (idempotent, any order; a retry fans out nothing twice).
      await consumer('indicators', () => services.indicatorFacts.forEvent(row));
    };
  };
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, dispatch(type)])) as Record<EventType, EventHandler>;
}
