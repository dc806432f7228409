import { DataSource } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock } from '../../../shared/time';
import { horizonDay, InputCheck } from '../../shared/validation';
import { CaseAppointmentEntity, CaseEntity } from './case.entity';
import { CaseService } from './case.service';
import { allowedCaseActions } from './case.state';

export const APPOINTMENT_OUTCOMES = ['kept', 'missed', 'cancelled'] as const;
export type AppointmentOutcome = (typeof APPOINTMENT_OUTCOMES)[number];
export const CANCELLED_BY = ['client', 'case_manager'] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];

/**
 * How far back an appointment may be scheduled: one entered on the evening of its day is still
 * entered; older ones are typing errors (a date in the past is no plan).
 */
export const SCHEDULE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Appointments of a case: scheduled, then recorded once as kept, missed or cancelled (by whom).
 * Kept and missed only from their time on: an appointment cannot have been kept before it began.
 */
export class CaseAppointments {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly cases: CaseService,
  ) {}

  async schedule(actor: Actor, input: { caseId: string; scheduledAt: Date | string }): Promise<CaseAppointmentEntity> {
    const now = this.clock.now();
    const at = new Date(input.scheduledAt);
    const check = new InputCheck(now);
    if (Number.isNaN(at.getTime())) check.refuse('scheduledAt must be a date and time', 'scheduledAt');
    else if (at.getTime() < now.getTime() - SCHEDULE_GRACE_MS)
      check.refuse('scheduledAt lies more than a day in the past', 'scheduledAt');
    else if (at.toISOString().slice(0, 10) > horizonDay(now))
      check.refuse('scheduledAt lies too far ahead: check the year', 'scheduledAt');
    check.done();
    return this.cases.step(actor, input.caseId, 'scheduleAppointment', async (em, c) => {
      const row: CaseAppointmentEntity = {
        id: newId(),
        caseId: c.id,
        personId: c.personId,
        scheduledAt: at,
        status: 'scheduled',
        cancelledBy: null,
        recordedAt: null,
        createdAt: now,
      };
      await em.insert(CaseAppointmentEntity, row);
      await this.cases.event(em, actor, 'case.appointment_scheduled', c, {
        appointmentId: row.id,
        scheduledAt: at.toISOString(),
      });
      return row;
    });
  }

  async record(
    actor: Actor,
    input: { appointmentId: string; status: AppointmentOutcome; cancelledBy?: CancelledBy | null },
  ): Promise<CaseAppointmentEntity> {
    const check = new InputCheck();
    check.require(APPOINTMENT_OUTCOMES.includes(input.status), 'status is kept, missed or cancelled', 'status');
    if (input.status === 'cancelled')
      check.require(
        input.cancelledBy != null && CANCELLED_BY.includes(input.cancelledBy),
        'cancelledBy (client or case_manager) is required for a cancelled appointment',
        'cancelledBy',
      );
    else
      check.require(input.cancelledBy == null, 'cancelledBy is only given for a cancelled appointment', 'cancelledBy');
    check.done();
    requireScope(actor, 'cases:write');
    const caseId = await this.caseOf(actor, input.appointmentId);
    return this.cases.step(
      actor,
      caseId,
      'recordAppointment',
      async (em, c) => {
        const a = await em.findOne(CaseAppointmentEntity, {
          where: { id: input.appointmentId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!a || a.caseId !== c.id) throw notFound('Appointment', input.appointmentId, 'appointmentId');
        const now = this.clock.now();
        const conflict = (why: string) =>
          new AppError('CONFLICT', `The appointment at ${a.scheduledAt.toISOString()} is ${a.status}: ${why}`, {
            appointmentId: a.id,
            scheduledAt: a.scheduledAt.toISOString(),
            status: a.status,
            phase: c.phase,
            allowedActions: allowedCaseActions(c.phase, c.allianceSignedOn !== null),
          });
        if (a.status !== 'scheduled') throw conflict('it was recorded already');
        if (input.status !== 'cancelled' && a.scheduledAt.getTime() > now.getTime())
          throw conflict(`it cannot be ${input.status} before its time`);
        a.status = input.status;
        a.cancelledBy = input.status === 'cancelled' ? input.cancelledBy! : null;
        a.recordedAt = now;
        await em.save(CaseAppointmentEntity, a);
        await this.cases.event(em, actor, 'case.appointment_recorded', c, {
          appointmentId: a.id,
          status: a.status,
          cancelledBy: a.cancelledBy,
        });
        return a;
      },
      'appointmentId',
    );
  }

  /** The appointments of cases the actor holds, by time. */
  async forCases(actor: Actor, caseIds: readonly string[]): Promise<CaseAppointmentEntity[]> {
    const ids = caseIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds.manager
      .createQueryBuilder(CaseAppointmentEntity, 'a')
      .innerJoin(CaseEntity, 'c', 'c.id = a.case_id AND c.partner = :partner', { partner: actor.partner })
      .where('a.case_id = ANY(:ids)', { ids })
      .orderBy('a.scheduled_at')
      .addOrderBy('a.id')
      .getMany();
  }

  private async caseOf(actor: Actor, appointmentId: string): Promise<string> {
    if (!isUuid(appointmentId)) throw notFound('Appointment', appointmentId, 'appointmentId');
    const row = await this.ds.manager
      .createQueryBuilder(CaseAppointmentEntity, 'a')
      .innerJoin(CaseEntity, 'c', 'c.id = a.case_id AND c.partner = :partner', { partner: actor.partner })
      .where('a.id = :appointmentId', { appointmentId })
      .getOne();
    if (!row) throw notFound('Appointment', appointmentId, 'appointmentId');
    return row.caseId;
  }
}
