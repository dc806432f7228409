import { DataSource } from 'typeorm';
import type { Actor } from '../../../shared/actor';
import { newId } from '../../../shared/ids';
import { CaseAppointmentEntity, CaseAssessmentEntity, CaseEntity, CaseGoalEntity } from './case.entity';
import { goalAttainment } from './case.goals';
import type { CaseService } from './case.service';
import type { CasePhase, ClosureKind, GoalStatus, LifeDomain } from './case.state';

/** A case of the past as the demo data records it (src/seed/demo-history-cases.ts). Days are ISO days. */
export interface HistoricCase {
  personId: string;
  workerRef: string;
  /** The working alliance was signed and the case opened. */
  openedOn: string;
  assessments: Array<{
    domain: LifeDomain;
    problems: string[];
    resources: string[];
    situation?: string | null;
    assessedOn: string;
  }>;
  /** Agreed goals, with their status at the end (or now, for a case still open). */
  goals: Array<{ domain: LifeDomain; wording: string; agreedOn: string; targetOn: string | null; status: GoalStatus }>;
  appointments: Array<{ at: string; status: 'kept' | 'missed' | 'cancelled'; cancelledBy?: 'client' | 'case_manager' }>;
  closure: { on: string; kind: ClosureKind; reason: string | null } | null;
}

const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);

/**
 * Writes a case of the past as the team worked it: the case, its assessments, goals and
 * appointments and its closure, each step's event on the day it was taken (as the live steps
 * write them), in one transaction. Without today's checks of the days and of the health basis
 * (the seed records the person's consent for health first). Only the seed calls it.
 */
export async function loadHistoricCase(
  ds: DataSource,
  cases: CaseService,
  actor: Actor,
  h: HistoricCase,
): Promise<CaseEntity> {
  return ds.transaction(async (em) => {
    const openedAt = at(h.openedOn, 8);
    const c: CaseEntity = {
      id: newId(),
      personId: h.personId,
      householdId: null,
      partner: actor.partner,
      workerRef: h.workerRef,
      phase: 'working_alliance',
      track: 'standard',
      allianceSignedOn: h.openedOn,
      sourceReferralId: null,
      openedAt,
      closedAt: null,
      closureKind: null,
      closureReason: null,
      version: 1,
      createdAt: openedAt,
      updatedAt: openedAt,
    };
    await em.insert(CaseEntity, c);
    await cases.event(em, actor, 'case.opened', c, { track: c.track, sourceReferralId: null }, openedAt);
    const moveTo = async (phase: CasePhase, when: Date) => {
      if (c.phase === phase) return;
      const from = c.phase;
      c.phase = phase;
      await cases.event(em, actor, 'case.phase_changed', c, { from, to: phase }, when);
    };
    for (const a of h.assessments) {
      const when = at(a.assessedOn, 10);
      await em.insert(CaseAssessmentEntity, {
        id: newId(),
        caseId: c.id,
        personId: c.personId,
        domain: a.domain,
        problems: a.problems,
        resources: a.resources,
        situation: a.situation ?? null,
        assessedOn: a.assessedOn,
        recordedAt: when,
      });
      if (a.domain === 'health') await cases.event(em, actor, 'case.health_assessment_recorded', c, {}, when);
      else await cases.event(em, actor, 'case.assessment_recorded', c, { domain: a.domain }, when);
      await moveTo('assessment', when);
    }
    const goals: CaseGoalEntity[] = [];
    for (const g of h.goals) {
      const when = at(g.agreedOn, 11);
      const goal: CaseGoalEntity = {
        id: newId(),
        caseId: c.id,
        personId: c.personId,
        domain: g.domain,
        wording: g.wording,
        agreedOn: g.agreedOn,
        targetOn: g.targetOn,
        status: 'open',
        createdAt: when,
        updatedAt: when,
      };
      await em.insert(CaseGoalEntity, goal);
      goals.push(goal);
      await cases.event(
        em,
        actor,
        'case.goal_agreed',
        c,
        { goalId: goal.id, domain: goal.domain, targetOn: g.targetOn },
        when,
      );
      await moveTo('goal_agreement', when);
    }
    for (const a of h.appointments) {
      const when = new Date(a.at);
      const scheduled = new Date(when.getTime() - 14 * 86_400_000);
      const row: CaseAppointmentEntity = {
        id: newId(),
        caseId: c.id,
        personId: c.personId,
        scheduledAt: when,
        status: a.status,
        cancelledBy: a.status === 'cancelled' ? (a.cancelledBy ?? 'client') : null,
        recordedAt: when,
        createdAt: scheduled < openedAt ? openedAt : scheduled,
      };
      await em.insert(CaseAppointmentEntity, row);
      await cases.event(
        em,
        actor,
        'case.appointment_scheduled',
        c,
        { appointmentId: row.id, scheduledAt: when.toISOString() },
        row.createdAt,
      );
      await cases.event(
        em,
        actor,
        'case.appointment_recorded',
        c,
        { appointmentId: row.id, status: row.status, cancelledBy: row.cancelledBy },
        when,
      );
    }
    // Goals settled: at the closure, or (a case still open) on their target day.
    const settledAt = (i: number) =>
      h.closure ? at(h.closure.on, 12) : at(h.goals[i].targetOn ?? h.goals[i].agreedOn, 12);
    for (const [i, g] of goals.entries()) {
      const status = h.goals[i].status;
      if (status === 'open') continue;
      g.status = status;
      g.updatedAt = settledAt(i);
      await em.update(CaseGoalEntity, { id: g.id }, { status, updatedAt: g.updatedAt });
      await cases.event(em, actor, 'case.goal_updated', c, { goalId: g.id, domain: g.domain, status }, g.updatedAt);
    }
    if (h.closure) {
      const when = at(h.closure.on, 15);
      Object.assign(c, { closedAt: when, closureKind: h.closure.kind, closureReason: h.closure.reason });
      await moveTo('closed', when);
      const attained = goalAttainment(goals);
      await cases.event(
        em,
        actor,
        'case.closed',
        c,
        {
          closureKind: h.closure.kind,
          closureReason: h.closure.reason,
          goalsReached: attained.reached,
          goalsTotal: attained.total,
        },
        when,
      );
    }
    const last = h.closure ? at(h.closure.on, 15) : openedAt;
    await em.update(
      CaseEntity,
      { id: c.id },
      {
        phase: c.phase,
        closedAt: c.closedAt,
        closureKind: c.closureKind,
        closureReason: c.closureReason,
        version: 1 + h.assessments.length + h.goals.length + h.appointments.length + (h.closure ? 1 : 0),
        updatedAt: last,
      },
    );
    return c;
  });
}
