import { DataSource } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { Actor } from '../../../shared/actor';
import { newId } from '../../../shared/ids';
import { CourseEntity } from '../course/course.entity';
import { CourseProviderEntity } from '../provider/provider.entity';
import { EnrolmentEntity } from './enrolment.entity';
import { enrolmentEvent } from './enrolment.event';
import type { EndReason } from './enrolment.types';

/** An enrolment of the past as the demo data records it (src/seed/demo-history-courses.ts). */
export interface HistoricEnrolment {
  courseId: string;
  personId: string;
  enrolledAt: Date;
  endedAt: Date;
  status: 'completed' | 'dropped';
  endReason: EndReason;
  usesChildcare: boolean | null;
  shiftWorker: boolean | null;
  apprentice: boolean | null;
  eveningParticipant: boolean | null;
  parallelIntegrationCourse: boolean | null;
}

/**
 * Writes an enrolment of a course of the past as the provider recorded it then: enrolled and
 * ended on the given days, each with its event on that day. No seat or waitlist logic and no
 * entitlement (the language offensive's courses need none): the course ended long ago.
 */
export async function loadHistoricEnrolment(
  ds: DataSource,
  outbox: Outbox,
  actor: Actor,
  h: HistoricEnrolment,
): Promise<EnrolmentEntity> {
  return ds.transaction(async (em) => {
    const course = await em.findOneByOrFail(CourseEntity, { id: h.courseId });
    const provider = await em.findOneByOrFail(CourseProviderEntity, { id: course.providerId });
    const e: EnrolmentEntity = {
      id: newId(),
      courseId: course.id,
      personId: h.personId,
      status: 'enrolled',
      waitlistPosition: null,
      waitlistedAt: null,
      offeredAt: null,
      offerExpiresAt: null,
      enrolledAt: h.enrolledAt,
      endedAt: null,
      endReason: null,
      referralId: null,
      municipalityKey: course.municipalityKey,
      usesChildcare: h.usesChildcare,
      shiftWorker: h.shiftWorker,
      apprentice: h.apprentice,
      eveningParticipant: h.eveningParticipant,
      parallelIntegrationCourse: h.parallelIntegrationCourse,
      createdBy: actor.partner,
      createdAt: h.enrolledAt,
      updatedAt: h.endedAt,
    };
    await em.insert(EnrolmentEntity, e);
    const step = async (type: 'enrolment.enrolled' | 'enrolment.completed' | 'enrolment.dropped', at: Date) =>
      outbox.append(
        em,
        actor,
        enrolmentEvent(type, e, provider.partnerSlug, {
          ...(type === 'enrolment.enrolled' ? { waitlistPosition: null } : { reason: e.endReason }),
        }),
        { occurredAt: at },
      );
    await step('enrolment.enrolled', h.enrolledAt);
    Object.assign(e, { status: h.status, endedAt: h.endedAt, endReason: h.endReason });
    await em.update(EnrolmentEntity, { id: e.id }, { status: e.status, endedAt: e.endedAt, endReason: e.endReason });
    await step(`enrolment.${h.status}`, h.endedAt);
    return e;
  });
}
