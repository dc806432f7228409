import { DataSource } from 'typeorm';
import { EventType } from '../../events/event-types';
import { OutboxEvent } from '../../events/outbox.entity';
import { systemActor } from '../../shared/actor';
import { HubServices } from './hub.context';
import { IdentifierSystem } from './identifier/identifier.types';

export type EventHandler = (event: OutboxEvent, source: string) => Promise<void>;

/**
 * What the hub does with every domain event. A mapped type over EventType: adding an event
 * without deciding who consumes it does not compile, and the worker refuses to boot.
 */
export function hubEventHandlers(services: HubServices, dataSource: DataSource): Record<EventType, EventHandler> {
  const biography: EventHandler = (e, source) => services.biography.record(e, source);
  return {
    'person.registered': biography,
    'person.moved': biography,
    'person.residence_status_recorded': biography,
    'person.identifier_added': biography,
    'jobcenter.benefit_status_changed': biography,
    'jobcenter.record_opened': async (e, source) => {
      await biography(e, source);
      // The jobcenter's customer number becomes an identifier partners can look the person up by.
      const p = e.payload as { personId: string; customerNumber: string };
      await dataSource.transaction((em) =>
        services.identifiers.addIn(em, systemActor(e.id), { personId: p.personId, system: IdentifierSystem.jobcenter_customer_number, value: p.customerNumber }, e.actorPartner),
      );
    },
    'consent.given': biography,
    // Reads stop at once (the decision point counts active consents only). Pending deliveries that
    // rest on the consent (referrals, notifications, webhooks) are cancelled here when they exist.
    'consent.withdrawn': async (e, source) => {
      await biography(e, source);
      const p = e.payload as { consentId: string };
      await services.referrals.cancelForWithdrawnConsent(systemActor(e.id), p.consentId);
    },
    'referral.status_changed': biography,
    // Not about a person: no biography entry. Webhooks to partners consume it later.
    'courses.course_created': async () => undefined,
  };
}
