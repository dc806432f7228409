import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '../../../events/outbox.service';
import { Actor, systemActor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { AttendanceEntity, EnrolmentEntity } from './enrolment.entity';
import { ACTIVE, initialStatus } from './enrolment.state';
import {
  EndEnrolmentInput,
  EnrolInput,
  OfferSeatInput,
  RecordAttendanceInput,
  RespondToSeatOfferInput,
} from './enrolment.types';
import { LockedCourse, noSeat, PendingOffer, TAKING_ENROLMENTS, Waitlist } from './enrolment.waitlist';
import { CourseUse, EnrolmentDeps, OfferOutcome } from './enrolment.ports';
import { EnrolmentReads, forbiddenCourse } from './enrolment.reads';
import type { CourseEntity } from '../course/course.entity';
import { HistoricEnrolment, loadHistoricEnrolment } from './enrolment.historic';

export type { EnrolmentDeps, OfferOutcome, OfferTimers, ReferralLookup } from './enrolment.ports';

/**
 * The writes of enrolments: enrol, offers and their answers, attendance, ends, moves and expired
 * offers; each seat decision with the course row locked (enrolment.waitlist.ts).
 */
export class EnrolmentService extends EnrolmentReads {
  readonly waitlist: Waitlist;

  constructor(
    ds: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly deps: EnrolmentDeps,
    private readonly use?: CourseUse,
  ) {
    super(ds);
    this.waitlist = new Waitlist(outbox, clock, deps.offerDays, use);
  }

  /** The demo data's enrolments of the past (enrolment.historic.ts). Not part of the API. */
  loadHistoric(actor: Actor, h: HistoricEnrolment): Promise<EnrolmentEntity> {
    return loadHistoricEnrolment(this.ds, this.outbox, actor, h);
  }

  async enrol(actor: Actor, input: EnrolInput): Promise<EnrolmentEntity> {
    const check = new InputCheck(this.clock.now());
    check.require(isUuid(input.courseId), 'courseId is not a valid id', 'courseId');
    if (input.referralId) check.require(isUuid(input.referralId), 'referralId is not a valid id', 'referralId');
    if (input.personId) check.require(isUuid(input.personId), 'personId is not a valid id', 'personId');
    else check.require(!!input.referralId, 'Name the person, or a referral that names the person', 'personId');
    check.done();
    const course = await this.courseOf(actor, input.courseId, 'courseId');
    const isProvider = this.mayManage(actor, course.provider);
    let personId = input.personId ?? null;
    if (input.referralId) {
      // Through a referral: the receiving provider, or the referral's sender, enrols its person.
      const referral = await this.deps.referrals.acceptedFor(course.provider, input.referralId);
      if (!referral || (!isProvider && referral.sender !== actor.partner)) {
        throw new AppError('FORBIDDEN', 'No accepted course referral to this provider that you are a party of', {
          field: 'referralId',
        });
      }
      if (personId && personId !== referral.personId)
        throw new AppError('BAD_USER_INPUT', 'personId is not the person of the referral', { field: 'personId' });
      personId = referral.personId;
      requireScope(actor, isProvider ? 'courses:write' : 'referrals:write');
    } else {
      requireScope(actor, 'courses:write');
      if (!isProvider) throw forbiddenCourse();
    }
    const enrolment = await this.ds.transaction(async (em) => {
      const locked = await this.lock(em, input.courseId);
      if (!TAKING_ENROLMENTS.includes(locked.course.status)) {
        throw new AppError('CONFLICT', `The course is ${locked.course.status} and takes no enrolments`, {
          courseId: locked.course.id,
          status: locked.course.status,
        });
      }
      const existing = await em.findOne(EnrolmentEntity, {
        where: ACTIVE.map((status) => ({ courseId: locked.course.id, personId: personId!, status })),
      });
      if (existing) {
        throw new AppError('CONFLICT', `The person is already ${existing.status} in this course`, {
          enrolmentId: existing.id,
          status: existing.status,
          allowedActions: existing.status === 'offered' ? ['respondToSeatOffer', 'endEnrolment'] : ['endEnrolment'],
        });
      }
      const now = this.clock.now();
      const status = initialStatus(locked.free);
      const e: EnrolmentEntity = {
        id: newId(),
        courseId: locked.course.id,
        personId: personId!,
        status,
        waitlistPosition: status === 'waitlisted' ? await this.waitlist.nextPosition(em, locked.course.id) : null,
        waitlistedAt: status === 'waitlisted' ? now : null,
        offeredAt: null,
        offerExpiresAt: null,
        enrolledAt: status === 'enrolled' ? now : null,
        endedAt: null,
        endReason: null,
        referralId: input.referralId ?? null,
        municipalityKey: locked.course.municipalityKey,
        usesChildcare: input.usesChildcare ?? null,
        shiftWorker: input.shiftWorker ?? null,
        apprentice: input.apprentice ?? null,
        eveningParticipant: input.eveningParticipant ?? null,
        parallelIntegrationCourse: input.parallelIntegrationCourse ?? null,
        createdBy: actor.partner,
        createdAt: now,
        updatedAt: now,
      };
      await em.insert(EnrolmentEntity, e);
      const type = status === 'enrolled' ? 'enrolment.enrolled' : 'enrolment.waitlisted';
      await this.waitlist.event(em, actor, type, e, locked.provider, { waitlistPosition: e.waitlistPosition });
      return e;
    });
    if (enrolment.referralId && isProvider) {
      // Best effort: the enrolment stands even when the referral cannot move (its receiver starts it by hand).
      await this.deps.referrals.start(actor, enrolment.referralId).catch((err: Error) => {
        this.deps.log.warn({ err: { name: err.name } }, 'referral not moved to in_progress after enrolment');
      });
    }
    return enrolment;
  }

  /** The provider offers a free seat: to the named waitlisted enrolment, else to the next suitable one. */
  async offerSeat(actor: Actor, input: OfferSeatInput): Promise<EnrolmentEntity> {
    requireScope(actor, 'courses:write');
    const check = new InputCheck();
    check.require(isUuid(input.courseId), 'courseId is not a valid id', 'courseId');
    if (input.enrolmentId) check.require(isUuid(input.enrolmentId), 'enrolmentId is not a valid id', 'enrolmentId');
    check.done();
    const course = await this.courseOf(actor, input.courseId, 'courseId');
    if (!this.mayManage(actor, course.provider)) throw forbiddenCourse();
    const { enrolment, offer } = await this.ds.transaction(async (em) => {
      const locked = await this.lock(em, input.courseId);
      if (locked.free <= 0) throw noSeat(locked);
      let e: EnrolmentEntity | null;
      if (input.enrolmentId) {
        e = await em.findOneBy(EnrolmentEntity, { id: input.enrolmentId, courseId: locked.course.id });
        if (!e) throw notFound('Enrolment', input.enrolmentId, 'enrolmentId');
      } else {
        e = await this.waitlist.nextSuitable(em, locked.course);
        if (!e)
          throw new AppError('CONFLICT', 'Nobody suitable is waiting for this course', { courseId: course.course.id });
      }
      const offer = await this.waitlist.offer(em, actor, locked, e);
      return { enrolment: e, offer };
    });
    await this.deps.timers.schedule([offer]);
    return enrolment;
  }

  /** The person's answer to an offer, given by the provider or the referral's sender. */
  async respond(actor: Actor, input: RespondToSeatOfferInput): Promise<EnrolmentEntity> {
    const current = await this.enrolmentOf(actor, input.enrolmentId);
    const course = await this.courseOf(actor, current.courseId, 'enrolmentId');
    const isProvider = this.mayManage(actor, course.provider);
    const isSender = !!current.referralId && (await this.deps.referrals.senderOf(current.referralId)) === actor.partner;
    if (!isProvider && !isSender) throw forbiddenCourse();
    requireScope(actor, isProvider ? 'courses:write' : 'referrals:write');
    const { enrolment, offers } = await this.ds.transaction(async (em) => {
      const locked = await this.lock(em, current.courseId);
      const e = await em.findOneByOrFail(EnrolmentEntity, { id: current.id });
      this.waitlist.require(e, input.accept ? 'accept' : 'decline');
      if (e.offerExpiresAt && e.offerExpiresAt.getTime() <= this.clock.now().getTime()) {
        throw new AppError('CONFLICT', 'The seat offer has expired', {
          enrolmentId: e.id,
          status: e.status,
          offerExpiresAt: e.offerExpiresAt.toISOString(),
          allowedActions: ['enrol'],
        });
      }
      if (input.accept) {
        await this.waitlist.save(em, e, { status: 'enrolled', enrolledAt: this.clock.now() });
        await this.waitlist.event(em, actor, 'enrolment.enrolled', e, locked.provider);
        return { enrolment: e, offers: [] as PendingOffer[] };
      }
      await this.end(em, actor, locked, e, 'dropped', 'declined_offer');
      return { enrolment: e, offers: await this.waitlist.fill(em, locked, actor.requestId) };
    });
    await this.deps.timers.schedule(offers);
    return enrolment;
  }

  /** The provider ends an enrolment: completed (from enrolled) or dropped; a freed seat is offered on. */
  async endEnrolment(actor: Actor, input: EndEnrolmentInput): Promise<EnrolmentEntity> {
    requireScope(actor, 'courses:write');
    const check = new InputCheck();
    check.require(isUuid(input.enrolmentId), 'enrolmentId is not a valid id', 'enrolmentId');
    check.require(input.status !== 'dropped' || !!input.reason, 'A dropped enrolment needs a reason', 'reason');
    check.done();
    const current = await this.enrolmentOf(actor, input.enrolmentId);
    const course = await this.courseOf(actor, current.courseId, 'enrolmentId');
    if (!this.mayManage(actor, course.provider)) throw forbiddenCourse();
    const { enrolment, offers } = await this.ds.transaction(async (em) => {
      const locked = await this.lock(em, current.courseId);
      const e = await em.findOneByOrFail(EnrolmentEntity, { id: current.id });
      const reason = input.reason ?? 'finished';
      await this.end(em, actor, locked, e, input.status, reason);
      return { enrolment: e, offers: await this.waitlist.fill(em, locked, actor.requestId) };
    });
    await this.deps.timers.schedule(offers);
    return enrolment;
  }

  /** One session day of an enrolled participant; recording a day again corrects it. */
  async recordAttendance(actor: Actor, input: RecordAttendanceInput): Promise<AttendanceEntity> {
    requireScope(actor, 'courses:write');
    const check = new InputCheck(this.clock.now());
    check.require(isUuid(input.enrolmentId), 'enrolmentId is not a valid id', 'enrolmentId');
    const day = check.day(input.sessionOn, 'sessionOn');
    check.done();
    const e = await this.enrolmentOf(actor, input.enrolmentId);
    const course = await this.courseOf(actor, e.courseId, 'enrolmentId');
    if (!this.mayManage(actor, course.provider)) throw forbiddenCourse();
    const c = course.course;
    check.require(day >= c.startsOn, `sessionOn lies before the course starts (${c.startsOn})`, 'sessionOn');
    check.require(day <= isoDay(this.clock.now()), 'sessionOn lies in the future', 'sessionOn');
    if (c.endsOn) check.require(day <= c.endsOn, `sessionOn lies after the course ends (${c.endsOn})`, 'sessionOn');
    check.done();
    if (e.status !== 'enrolled' && e.status !== 'completed') {
      throw new AppError('CONFLICT', `The enrolment is ${e.status}: attendance is recorded for participants only`, {
        enrolmentId: e.id,
        status: e.status,
      });
    }
    const row: AttendanceEntity = {
      id: newId(),
      enrolmentId: e.id,
      sessionOn: day,
      present: input.present,
      municipalityKey: e.municipalityKey,
      recordedBy: actor.partner,
      recordedAt: this.clock.now(),
    };
    await this.ds.transaction(async (em) => {
      // `before` is the day's earlier answer (null: first record): hours count once, when a day first turns present.
      const [{ before }]: Array<{ before: boolean | null }> = await em.query(
        `WITH prior AS (SELECT present FROM courses.attendance WHERE enrolment_id = $2 AND session_on = $3)
         INSERT INTO courses.attendance (id, enrolment_id, session_on, present, municipality_key, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ON CONSTRAINT attendance_once_a_day
         DO UPDATE SET present = EXCLUDED.present, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at
         RETURNING (SELECT present FROM prior) AS before`,
        [row.id, row.enrolmentId, row.sessionOn, row.present, row.municipalityKey, row.recordedBy, row.recordedAt],
      );
      if (row.present && before !== true && this.use)
        await this.use.attended(em, e.personId, c.id, course.provider, lessonsOn(c, day));
    });
    return row;
  }

  /**
   * A move (the entitlement ledger's move rule calls this): the person's waitlisted, offered and
   * enrolled places in courses outside the new municipality end as `transferred` (the old
   * provider is told to release the seat) and each freed seat is offered on. In the caller's
   * transaction when `em` is given: the caller then sets the returned offers' timers after
   * commit (`scheduleOffers`); the offer re-sync would also find them.
   */
  async transferForMove(
    em: EntityManager | undefined,
    personId: string,
    toMunicipalityKey: string,
    eventId: string,
  ): Promise<{ transferred: string[]; offers: PendingOffer[] }> {
    const work = async (tx: EntityManager) => {
      const actor = systemActor(eventId, 'enrolment-move');
      const rows: Array<{ id: string; course_id: string }> = await tx.query(
        `SELECT e.id, e.course_id FROM courses.enrolment e
          WHERE e.person_id = $1 AND e.status IN ('waitlisted','offered','enrolled') AND e.municipality_key <> $2
          ORDER BY e.course_id`,
        [personId, toMunicipalityKey],
      );
      const offers: PendingOffer[] = [];
      for (const r of rows) {
        const locked = await this.lock(tx, r.course_id);
        const e = await tx.findOneByOrFail(EnrolmentEntity, { id: r.id });
        await this.end(tx, actor, locked, e, 'transferred', 'moved_away');
        offers.push(...(await this.waitlist.fill(tx, locked, eventId)));
      }
      return { transferred: rows.map((r) => r.id), offers };
    };
    if (em) return work(em);
    const result = await this.ds.transaction(work);
    await this.scheduleOffers(result.offers);
    return result;
  }

  scheduleOffers(offers: PendingOffer[]): Promise<void> {
    return this.deps.timers.schedule(offers);
  }

  /** Offers whose answer is still open, by expiry (for the timers' re-sync). */
  async openOffers(limit: number, after?: { offerExpiresAt: Date; enrolmentId: string }): Promise<PendingOffer[]> {
    const rows: Array<{ id: string; offered_at: Date; offer_expires_at: Date }> = await this.ds.query(
      `SELECT id, offered_at, offer_expires_at FROM courses.enrolment
        WHERE status = 'offered' AND ($1::timestamptz IS NULL OR (offer_expires_at, id) > ($1::timestamptz, $2::uuid))
        ORDER BY offer_expires_at, id LIMIT $3`,
      [after?.offerExpiresAt ?? null, after?.enrolmentId ?? null, limit],
    );
    return rows.map((r) => ({ enrolmentId: r.id, offeredAt: r.offered_at, offerExpiresAt: r.offer_expires_at }));
  }

  /**
   * An offer's timer fired: re-read, and when the offer is still open and due by the Clock, the
   * person goes back to the end of the waitlist and the seat passes to the next one. Idempotent: an
   * answered, ended or re-made offer (another offered_at) is left alone.
   */
  async expireOffer(
    enrolmentId: string,
    offeredAtMs: number,
  ): Promise<{ outcome: OfferOutcome; offers: PendingOffer[] }> {
    const result = await this.ds.transaction(async (em) => {
      const current = await em.findOneBy(EnrolmentEntity, { id: enrolmentId });
      if (!current || current.status !== 'offered' || current.offeredAt?.getTime() !== offeredAtMs)
        return { outcome: { outcome: 'done' } as OfferOutcome, offers: [] };
      const locked = await this.lock(em, current.courseId);
      const e = await em.findOneByOrFail(EnrolmentEntity, { id: enrolmentId });
      if (e.status !== 'offered' || e.offeredAt?.getTime() !== offeredAtMs)
        return { outcome: { outcome: 'done' } as OfferOutcome, offers: [] };
      const waitMs = e.offerExpiresAt!.getTime() - this.clock.now().getTime();
      if (waitMs > 0) return { outcome: { outcome: 'wait', waitMs } as OfferOutcome, offers: [] };
      const actor = systemActor(`offer.${enrolmentId}`, 'enrolment-offers');
      this.waitlist.require(e, 'expire');
      const position = await this.waitlist.nextPosition(em, e.courseId);
      await this.waitlist.save(em, e, {
        status: 'waitlisted',
        waitlistPosition: position,
        waitlistedAt: this.clock.now(),
        offeredAt: null,
        offerExpiresAt: null,
      });
      locked.held--;
      locked.free++;
      await this.waitlist.event(em, actor, 'enrolment.offer_expired', e, locked.provider, {
        waitlistPosition: position,
      });
      const offers = await this.waitlist.fill(em, locked, actor.requestId, [e.id]);
      return { outcome: { outcome: 'expired' } as OfferOutcome, offers };
    });
    await this.deps.timers.schedule(result.offers);
    return result;
  }

  private async end(
    em: EntityManager,
    actor: Actor,
    locked: LockedCourse,
    e: EnrolmentEntity,
    to: 'completed' | 'dropped' | 'transferred',
    reason: string,
  ): Promise<void> {
    this.waitlist.require(e, to === 'completed' ? 'complete' : to === 'dropped' ? 'drop' : 'transfer');
    const held = e.status === 'offered' || e.status === 'enrolled';
    await this.waitlist.save(em, e, { status: to, endedAt: this.clock.now(), endReason: reason });
    if (held) {
      locked.held--;
      locked.free++;
    }
    await this.waitlist.event(em, actor, `enrolment.${to}`, e, locked.provider, { reason });
  }

  private async lock(em: EntityManager, courseId: string): Promise<LockedCourse> {
    const locked = await this.waitlist.lockCourse(em, courseId);
    if (!locked) throw notFound('Course', courseId, 'courseId');
    return locked;
  }
}

const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** Teaching units of a session day: the course's slots on that weekday (0 when it records none). */
function lessonsOn(c: CourseEntity, day: string): number {
  const weekday = WEEKDAY_CODES[new Date(`${day}T00:00:00Z`).getUTCDay()];
  return c.weeklySlots.filter((s) => s.weekday === weekday).reduce((n, s) => n + s.lessons, 0);
}
