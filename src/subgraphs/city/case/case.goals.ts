import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { AppError, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { CaseEntity, CaseGoalEntity } from './case.entity';
import { CaseService } from './case.service';
import { allowedCaseActions, GOAL_STATUSES, GoalStatus, LIFE_DOMAINS, LifeDomain } from './case.state';

export const MAX_GOAL_WORDING = 500;

/** Statuses updateGoal may set: a goal never goes back to a proposal. */
export const UPDATABLE_GOAL: readonly GoalStatus[] = GOAL_STATUSES.filter((s) => s !== 'proposed');

export interface AgreeGoalInput {
  caseId: string;
  domain: LifeDomain;
  wording: string;
  agreedOn: Date | string;
  targetOn?: Date | string | null;
  proposalId?: string | null;
}

export interface UpdateGoalInput {
  goalId: string;
  status?: GoalStatus | null;
  wording?: string | null;
  targetOn?: Date | string | null;
}

/** Goal attainment (Zielerreichung) of a case: agreed goals only; proposals never agreed do not count. */
export interface GoalAttainment {
  reached: number;
  partlyReached: number;
  notReached: number;
  dropped: number;
  open: number;
  total: number;
}

export function goalAttainment(goals: readonly Pick<CaseGoalEntity, 'status' | 'agreedOn'>[]): GoalAttainment {
  const agreed = goals.filter((g) => g.agreedOn !== null);
  const count = (s: GoalStatus) => agreed.filter((g) => g.status === s).length;
  return {
    reached: count('reached'),
    partlyReached: count('partly_reached'),
    notReached: count('not_reached'),
    dropped: count('dropped'),
    open: count('open'),
    total: agreed.length,
  };
}

/**
 * Goals (Zielvereinbarung): agreed with the client in a life domain, after the assessment. A
 * proposal (eUMA track) becomes an open goal when agreed, its wording may change on the way.
 */
export class CaseGoals {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly cases: CaseService,
  ) {}

  async agree(actor: Actor, input: AgreeGoalInput): Promise<CaseGoalEntity> {
    const now = this.clock.now();
    const check = new InputCheck(now);
    check.require((LIFE_DOMAINS as readonly string[]).includes(input.domain), 'domain is not a life domain', 'domain');
    checkWording(check, input.wording);
    const agreedOn = check.day(input.agreedOn, 'agreedOn');
    if (agreedOn && agreedOn > isoDay(now)) check.refuse('agreedOn lies in the future', 'agreedOn');
    const targetOn = input.targetOn == null ? null : check.day(input.targetOn, 'targetOn');
    if (targetOn && agreedOn && targetOn < agreedOn) check.refuse('targetOn lies before agreedOn', 'targetOn');
    if (input.proposalId != null) check.require(isUuid(input.proposalId), 'proposalId is not a valid id', 'proposalId');
    check.done();
    return this.cases.step(actor, input.caseId, 'agreeGoal', async (em, c) => {
      const fields = {
        domain: input.domain,
        wording: input.wording.trim(),
        agreedOn,
        targetOn,
        status: 'open' as const,
      };
      let goal: CaseGoalEntity;
      if (input.proposalId) {
        goal = await this.locked(em, c, input.proposalId, 'proposalId');
        if (goal.status !== 'proposed')
          throw new AppError('CONFLICT', `Goal ${goal.id} is ${goal.status}, not a proposal: it was agreed already`, {
            goalId: goal.id,
            status: goal.status,
            phase: c.phase,
            allowedActions: allowedCaseActions(c.phase, c.allianceSignedOn !== null),
          });
        Object.assign(goal, fields, { updatedAt: now });
        await em.save(CaseGoalEntity, goal);
      } else {
        goal = { id: newId(), caseId: c.id, personId: c.personId, ...fields, createdAt: now, updatedAt: now };
        await em.insert(CaseGoalEntity, goal);
      }
      await this.cases.event(em, actor, 'case.goal_agreed', c, { goalId: goal.id, domain: goal.domain, targetOn });
      return goal;
    });
  }

  /** A goal's status, wording or target day; a settled goal can be corrected, never made a proposal again. */
  async update(actor: Actor, input: UpdateGoalInput): Promise<CaseGoalEntity> {
    const now = this.clock.now();
    const check = new InputCheck(now);
    if (input.status != null)
      check.require(
        UPDATABLE_GOAL.includes(input.status),
        `status is one of ${UPDATABLE_GOAL.join(', ')} (a goal does not go back to a proposal)`,
        'status',
      );
    if (input.wording != null) checkWording(check, input.wording);
    const targetOn = input.targetOn == null ? undefined : check.day(input.targetOn, 'targetOn');
    check.require(
      input.status != null || input.wording != null || input.targetOn != null,
      'nothing to change: give status, wording or targetOn',
      'goalId',
    );
    check.done();
    requireScope(actor, 'cases:write');
    const caseId = await this.caseOf(actor, input.goalId);
    return this.cases.step(
      actor,
      caseId,
      'updateGoal',
      async (em, c) => {
        const goal = await this.locked(em, c, input.goalId, 'goalId');
        // A proposal is agreed with agreeGoal (its proposalId); here it can only be turned down.
        if (goal.status === 'proposed' && input.status != null && input.status !== 'dropped')
          throw new AppError('CONFLICT', `Goal ${goal.id} is proposed: agree it with agreeGoal (proposalId) first`, {
            goalId: goal.id,
            status: goal.status,
            phase: c.phase,
            allowedActions: ['agreeGoal'],
          });
        if (targetOn && goal.agreedOn && targetOn < goal.agreedOn) throw badTarget();
        if (input.status != null) goal.status = input.status;
        if (input.wording != null) goal.wording = input.wording.trim();
        if (targetOn !== undefined) goal.targetOn = targetOn;
        goal.updatedAt = now;
        await em.save(CaseGoalEntity, goal);
        await this.cases.event(em, actor, 'case.goal_updated', c, {
          goalId: goal.id,
          domain: goal.domain,
          status: goal.status,
        });
        return goal;
      },
      'goalId',
    );
  }

  /** The goals of cases the actor holds, oldest first. */
  async forCases(actor: Actor, caseIds: readonly string[]): Promise<CaseGoalEntity[]> {
    const ids = caseIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds.manager
      .createQueryBuilder(CaseGoalEntity, 'g')
      .innerJoin(CaseEntity, 'c', 'c.id = g.case_id AND c.partner = :partner', { partner: actor.partner })
      .where('g.case_id = ANY(:ids)', { ids })
      .orderBy('g.created_at')
      .addOrderBy('g.id')
      .getMany();
  }

  /** The case of a goal the actor holds (NOT_FOUND naming goalId otherwise). */
  private async caseOf(actor: Actor, goalId: string): Promise<string> {
    if (!isUuid(goalId)) throw notFound('Goal', goalId, 'goalId');
    const [goal] = await this.forGoal(actor, goalId);
    if (!goal) throw notFound('Goal', goalId, 'goalId');
    return goal.caseId;
  }

  private forGoal(actor: Actor, goalId: string): Promise<CaseGoalEntity[]> {
    return this.ds.manager
      .createQueryBuilder(CaseGoalEntity, 'g')
      .innerJoin(CaseEntity, 'c', 'c.id = g.case_id AND c.partner = :partner', { partner: actor.partner })
      .where('g.id = :goalId', { goalId })
      .getMany();
  }

  private async locked(em: EntityManager, c: CaseEntity, goalId: string, field: string): Promise<CaseGoalEntity> {
    const goal = await em.findOne(CaseGoalEntity, { where: { id: goalId }, lock: { mode: 'pessimistic_write' } });
    if (!goal || goal.caseId !== c.id) throw notFound('Goal', goalId, field);
    return goal;
  }
}

const badTarget = () =>
  new AppError('BAD_USER_INPUT', 'targetOn lies before the goal was agreed', { field: 'targetOn' });

function checkWording(check: InputCheck, wording: string | null | undefined): void {
  const w = (wording ?? '').trim();
  check.require(
    w.length > 0 && w.length <= MAX_GOAL_WORDING,
    `wording is a text of 1 to ${MAX_GOAL_WORDING} characters`,
    'wording',
  );
}
