import type { DomainEvent } from '../../../events/event-types';
import type { EnrolmentEntity } from './enrolment.entity';

export type EnrolmentEvent =
  | 'enrolment.waitlisted'
  | 'enrolment.offered'
  | 'enrolment.enrolled'
  | 'enrolment.offer_expired'
  | 'enrolment.completed'
  | 'enrolment.dropped'
  | 'enrolment.transferred';

export type EnrolmentEventExtra = {
  reason?: string | null;
  offerExpiresAt?: string | null;
  waitlistPosition?: number | null;
};

/** The event of an enrolment's step, live (enrolment.waitlist.ts) or loaded from the past (enrolment.historic.ts). */
export function enrolmentEvent(
  type: EnrolmentEvent,
  e: EnrolmentEntity,
  provider: string,
  extra: EnrolmentEventExtra = {},
): DomainEvent<EnrolmentEvent> {
  return {
    type,
    personId: e.personId,
    aggregateType: 'Enrolment',
    aggregateId: e.id,
    payload: {
      enrolmentId: e.id,
      courseId: e.courseId,
      personId: e.personId,
      provider,
      status: e.status,
      referralId: e.referralId,
      ...extra,
    },
  };
}
