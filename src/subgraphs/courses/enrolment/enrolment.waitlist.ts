import type { CourseUse } from './enrolment.ports';
import { EntityManager } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { Actor, systemActor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { Clock } from '../../../shared/time';
import { CourseEntity } from '../course/course.entity';
import { CourseProviderEntity } from '../provider/provider.entity';
import { EnrolmentEntity } from './enrolment.entity';
import { enrolmentEvent, EnrolmentEvent, EnrolmentEventExtra } from './enrolment.event';
import { allowedEnrolmentActions, EnrolmentAction, EnrolmentStatus, freeSeats } from './enrolment.state';

/** A seat offer whose expiry needs a timer (set after the transaction commits). */
export interface PendingOffer {
  enrolmentId: string;
  offeredAt: Date;
  offerExpiresAt: Date;
}

/** A course locked for a seat decision, with its provider's partner slug and how many seats are held. */
export interface LockedCourse {
  course: CourseEntity;
  provider: string;
  held: number;
  free: number;
}

/** Courses that take enrolments and offer seats. */
export const TAKING_ENROLMENTS = ['open', 'running'];

/**
 * The seat bookkeeping every enrolment write shares, inside the caller's transaction. Seats are
 * decided with the course row locked (SELECT … FOR UPDATE): concurrent enrolments into one
 * course queue on that lock, so the count they see is the count they write against and a course
 * is never overbooked.
 */
export class Waitlist {
  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly offerDays: number,
    private readonly use?: CourseUse,
  ) {}

  async lockCourse(em: EntityManager, courseId: string): Promise<LockedCourse | null> {
    const course = await em
      .getRepository(CourseEntity)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id: courseId })
      .getOne();
    if (!course) return null;
    const provider = await em.findOneByOrFail(CourseProviderEntity, { id: course.providerId });
    const held = await this.held(em, courseId);
    return { course, provider: provider.partnerSlug, held, free: freeSeats(course.capacity, held) };
  }

  async held(em: EntityManager, courseId: string): Promise<number> {
    const [{ n }] = await em.query(
      `SELECT count(*)::int AS n FROM courses.enrolment WHERE course_id = $1 AND status IN ('offered','enrolled')`,
      [courseId],
    );
    return Number(n);
  }

  /** The next position at the end of the course's waitlist. */
  async nextPosition(em: EntityManager, courseId: string): Promise<number> {
    const [{ n }] = await em.query(
      'SELECT coalesce(max(waitlist_position), 0)::int + 1 AS n FROM courses.enrolment WHERE course_id = $1',
      [courseId],
    );
    return Number(n);
  }

  /**
   * Offers free seats to the waitlist, first come first offered, skipping whoever is not
   * suitable now: a person who already holds a seat (offered or enrolled) in another course of
   * the same kind. `skip` names enrolments not to offer to in this pass (an offer that just
   * expired goes back to the end, not straight back to the same person). Offers are made by the
   * hub itself, so the provider is told of them too.
   */
  async fill(em: EntityManager, locked: LockedCourse, eventId: string, skip: string[] = []): Promise<PendingOffer[]> {
    const offers: PendingOffer[] = [];
    if (!TAKING_ENROLMENTS.includes(locked.course.status)) return offers;
    while (locked.free > 0) {
      const next = await this.nextSuitable(em, locked.course, skip);
      if (!next) break;
      offers.push(await this.offer(em, systemActor(eventId, 'enrolment-offers'), locked, next));
    }
    return offers;
  }

  async nextSuitable(em: EntityManager, course: CourseEntity, skip: string[] = []): Promise<EnrolmentEntity | null> {
    return em
      .getRepository(EnrolmentEntity)
      .createQueryBuilder('e')
      .where('e.course_id = :cid AND e.status = :w', { cid: course.id, w: 'waitlisted' })
      .andWhere('NOT (e.id = ANY(:skip))', { skip })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM courses.enrolment o JOIN courses.course oc ON oc.id = o.course_id
           WHERE o.person_id = e.person_id AND o.course_id <> e.course_id AND oc.kind = :kind
             AND o.status IN ('offered','enrolled'))`,
        { kind: course.kind },
      )
      .orderBy('e.waitlist_position', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(1)
      .getOne();
  }

  /** Offers the locked course's free seat to a waitlisted enrolment. */
  async offer(em: EntityManager, actor: Actor, locked: LockedCourse, e: EnrolmentEntity): Promise<PendingOffer> {
    if (locked.free <= 0) throw noSeat(locked);
    this.require(e, 'offer');
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.offerDays * 24 * 3600_000);
    await this.save(em, e, { status: 'offered', offeredAt: now, offerExpiresAt: expires });
    locked.held++;
    locked.free--;
    await this.event(em, actor, 'enrolment.offered', e, locked.provider, { offerExpiresAt: expires.toISOString() });
    return { enrolmentId: e.id, offeredAt: now, offerExpiresAt: expires };
  }

  /** Refuses a step the enrolment's status does not allow, naming the status and the allowed actions. */
  require(e: EnrolmentEntity, action: EnrolmentAction): void {
    const allowed = allowedEnrolmentActions(e.status as EnrolmentStatus);
    if (!allowed.includes(action)) {
      throw new AppError('CONFLICT', `The enrolment is ${e.status}: ${action} is not possible`, {
        enrolmentId: e.id,
        status: e.status,
        allowedActions: allowed,
      });
    }
  }

  async save(em: EntityManager, e: EnrolmentEntity, changes: Partial<EnrolmentEntity>): Promise<void> {
    Object.assign(e, changes, { updatedAt: this.clock.now() });
    await em.update(EnrolmentEntity, { id: e.id }, { ...changes, updatedAt: e.updatedAt });
  }

  async event(
    em: EntityManager,
    actor: Actor,
    type: EnrolmentEvent,
    e: EnrolmentEntity,
    provider: string,
    extra: EnrolmentEventExtra = {},
  ): Promise<void> {
    // Every way into a seat passes here: the entitlement follows in the same transaction.
    if (type === 'enrolment.enrolled' && this.use) await this.use.enrolled(em, e.personId, e.courseId, provider);
    await this.outbox.append(em, actor, enrolmentEvent(type, e, provider, extra));
  }
}

export function noSeat(locked: LockedCourse): AppError {
  return new AppError('CONFLICT', 'The course has no free seat', {
    courseId: locked.course.id,
    capacity: locked.course.capacity,
    seatsTaken: locked.held,
    allowedActions: ['enrol'],
  });
}
