import { Actor } from '../../../shared/actor';
import { AppError } from '../../../shared/errors';
import { isUuid } from '../../../shared/ids';
import { Clock } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { CaseEntity, CaseGoalEntity } from './case.entity';
import { goalAttainment } from './case.goals';
import { CaseService } from './case.service';
import { CLOSURE_KINDS, ClosureKind, GoalStatus, SETTLED_GOAL } from './case.state';

/** Why a case ends (a code): an unplanned closure needs one, a planned one may give one. */
export const CLOSURE_REASONS = [
  'goals_reached',
  'moved_away',
  'no_contact',
  'client_withdrew',
  'needs_other_help',
  'transferred',
  'other',
] as const;
/** Why a closed case is taken up again (a code). */
export const REOPEN_REASONS = ['client_returned', 'new_need', 'closed_in_error', 'other'] as const;

export interface CloseCaseInput {
  caseId: string;
  kind?: ClosureKind | null;
  reason?: string | null;
  goals?: Array<{ goalId: string; status: GoalStatus }> | null;
}

/**
 * Moving into monitoring, closing (Abschluss: planned, or unplanned by the client or the case
 * manager with a reason) and the one way back, reopening. A closure settles every goal still
 * open or proposed in the same transaction: the case's goal attainment is final when it closes.
 */
export class CaseClosure {
  constructor(
    private readonly clock: Clock,
    private readonly cases: CaseService,
  ) {}

  startMonitoring(actor: Actor, caseId: string): Promise<CaseEntity> {
    return this.cases.step(actor, caseId, 'startMonitoring', async (_em, c) => c);
  }

  async close(actor: Actor, input: CloseCaseInput): Promise<CaseEntity> {
    const check = new InputCheck();
    const kind = input.kind;
    if (kind == null)
      check.refuse('kind is required: planned, unplanned_by_client or unplanned_by_case_manager', 'kind');
    else check.require(CLOSURE_KINDS.includes(kind), `kind is one of ${CLOSURE_KINDS.join(', ')}`, 'kind');
    if (input.reason != null)
      check.require(
        (CLOSURE_REASONS as readonly string[]).includes(input.reason),
        `reason is one of ${CLOSURE_REASONS.join(', ')}`,
        'reason',
      );
    else if (kind && kind !== 'planned') check.refuse('an unplanned closure needs a reason', 'reason');
    const settle = input.goals ?? [];
    check.require(
      settle.every((g) => isUuid(g.goalId) && SETTLED_GOAL.includes(g.status)) &&
        new Set(settle.map((g) => g.goalId)).size === settle.length,
      `goals: each goal once, with a status among ${SETTLED_GOAL.join(', ')}`,
      'goals',
    );
    check.done();
    return this.cases.step(actor, input.caseId, 'closeCase', async (em, c) => {
      const now = this.clock.now();
      const goals = await em.find(CaseGoalEntity, {
        where: { caseId: c.id },
        lock: { mode: 'pessimistic_write' },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const byId = new Map(goals.map((g) => [g.id, g]));
      const foreign = settle.filter((s) => !byId.has(s.goalId)).map((s) => s.goalId);
      if (foreign.length) throw badGoals(`goals names goals not of this case: ${foreign.join(', ')}`, foreign);
      const given = new Map(settle.map((s) => [s.goalId, s.status]));
      // A proposal that was never agreed can only be turned down.
      const unagreed = goals.filter((g) => g.status === 'proposed' && given.has(g.id) && given.get(g.id) !== 'dropped');
      if (unagreed.length)
        throw badGoals(
          `goals: a proposal never agreed can only be dropped: ${unagreed.map((g) => g.id).join(', ')}`,
          unagreed.map((g) => g.id),
        );
      const unsettled = goals.filter((g) => !given.has(g.id) && !SETTLED_GOAL.includes(g.status));
      if (unsettled.length)
        throw badGoals(
          `goals: settle every open or proposed goal before closing: ${unsettled.map((g) => g.id).join(', ')}`,
          unsettled.map((g) => g.id),
        );
      for (const g of goals) {
        const status = given.get(g.id);
        if (!status || status === g.status) continue;
        g.status = status;
        g.updatedAt = now;
        await em.save(CaseGoalEntity, g);
        await this.cases.event(em, actor, 'case.goal_updated', c, { goalId: g.id, domain: g.domain, status });
      }
      c.closedAt = now;
      c.closureKind = kind!;
      c.closureReason = input.reason ?? null;
      const attained = goalAttainment(goals);
      await this.cases.event(em, actor, 'case.closed', c, {
        closureKind: c.closureKind,
        closureReason: c.closureReason,
        goalsReached: attained.reached,
        goalsTotal: attained.total,
      });
      return c;
    });
  }

  /** The documented way back: a closed case returns to monitoring, its closure cleared (the event keeps it). */
  async reopen(actor: Actor, input: { caseId: string; reason: string }): Promise<CaseEntity> {
    const check = new InputCheck();
    check.require(
      (REOPEN_REASONS as readonly string[]).includes(input.reason),
      `reason is one of ${REOPEN_REASONS.join(', ')}`,
      'reason',
    );
    check.done();
    return this.cases.step(actor, input.caseId, 'reopenCase', async (em, c) => {
      // One open case per person and holder (as openCase): a newer one blocks reopening an old one.
      const other = await em
        .createQueryBuilder(CaseEntity, 'o')
        .where('o.person_id = :person AND o.partner = :partner AND o.phase <> :closed AND o.id <> :id', {
          person: c.personId,
          partner: c.partner,
          closed: 'closed',
          id: c.id,
        })
        .getOne();
      if (other)
        throw new AppError('CONFLICT', `The person has another open case with you (phase ${other.phase})`, {
          caseId: other.id,
          phase: c.phase,
          allowedActions: [],
        });
      c.closedAt = null;
      c.closureKind = null;
      c.closureReason = null;
      await this.cases.event(em, actor, 'case.reopened', c, { reason: input.reason });
      return c;
    });
  }
}

const badGoals = (message: string, goalIds: string[]) =>
  new AppError('BAD_USER_INPUT', message, { field: 'goals', goalIds });
