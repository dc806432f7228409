import { DataSource } from 'typeorm';
import { EventType } from '../../events/event-types';
import { OutboxEvent } from '../../events/outbox.entity';
import { systemActor } from '../../shared/actor';
import { HubServices } from './hub.context';
import { IdentifierSystem } from './identifier/identifier.types';
import { routeEvent } from './notification/notification.routing';

export type EventHandler = (event: OutboxEvent, source: string) => Promise<void>;

/**
 * What the hub does with every domain event. A mapped type over EventType: adding an event
 * without deciding who consumes it does not compile, and the worker refuses to boot.
 */
export function hubEventHandlers(services: HubServices, dataSource: DataSource, rules: Partial<Record<EventType, EventHandler>> = {}): Record<EventType, EventHandler> {
  const biography: EventHandler = (e, source) => services.biography.record(e, source);
  // --- rules (src/rules): automatic handovers run after the hub's own handling of the event ---
  const withRules = (type: EventType, handler: EventHandler): EventHandler => {
    const hook = rules[type];
    return hook ? async (e, source) => { await handler(e, source); await hook(e, source); } : handler;
  };
  // --- end rules ---
  const handlers: Record<EventType, EventHandler> = {
    'person.registered': withRules('person.registered', biography),
    'person.moved': withRules('person.moved', biography),
    'person.residence_status_recorded': withRules('person.residence_status_recorded', biography),
    'person.identifier_added': withRules('person.identifier_added', biography),
    'jobcenter.benefit_status_changed': biography,
    'jobcenter.record_opened': withRules('jobcenter.record_opened', async (e, source) => {
      await biography(e, source);
      // The jobcenter's customer number becomes an identifier partners can look the person up by.
      const p = e.payload as { personId: string; customerNumber: string };
      await dataSource.transaction((em) =>
        services.identifiers.addIn(em, systemActor(e.id), { personId: p.personId, system: IdentifierSystem.jobcenter_customer_number, value: p.customerNumber }, e.actorPartner),
      );
    }),
    'consent.given': biography,
    // Reads stop at once (the decision point counts active consents only). What is still pending
    // and rests on the consent (referrals, unread notifications, webhook deliveries) is cancelled here.
    'consent.withdrawn': async (e, source) => {
      await biography(e, source);
      const p = e.payload as { consentId: string };
      await services.referrals.cancelForWithdrawnConsent(systemActor(e.id), p.consentId);
      await services.notifications.dropForWithdrawnConsent(e); // notifications: unread ones of recipients left without a basis
      await services.webhooks.cancelForWithdrawnConsent(e); // webhooks: pending deliveries to recipients left without a basis
    },
    // --- agreements: deadlines of cooperation agreements follow the referral's status (idempotent) ---
    'referral.status_changed': async (e, source) => {
      await biography(e, source);
      await services.agreements.onReferralEvent(e);
    },
    // Escalation to the agreement's partner: an entry in the biography; the inbox and webhooks below tell the partners.
    'referral.escalated': biography,
    // --- end agreements ---
    // --- rules: what the rules record goes into the person's biography ---
    'handover.gap_flagged': biography,
    'handover.unassigned': biography,
    'arrival.counselling_proposed': biography,
    'arrival.followup_due': biography,
    // --- end rules ---
    // Not about a person: no biography entry, and no public event (yet) for partners.
    'courses.course_created': async () => undefined,
  };
  // --- notifications: after everything else, every event goes to the inboxes and webhook endpoints routeEvent names (idempotent) ---
  const notify = (handler: EventHandler): EventHandler => async (e, source) => {
    await handler(e, source);
    // Who hears of the event is worked out once for the inbox and the webhooks.
    const recipients = await routeEvent(dataSource.manager, e);
    await services.notifications.notify(e, recipients);
    await services.webhooks.fanOut(e, source, recipients); // webhooks: one delivery per subscribed endpoint (idempotent)
  };
  return Object.fromEntries(Object.entries(handlers).map(([type, handler]) => [type, notify(handler)])) as Record<EventType, EventHandler>;
  // --- end notifications ---
}
