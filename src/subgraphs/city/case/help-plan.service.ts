import { DataSource } from 'typeorm';
import { PolicyDecisionPoint } from '../../../policy/policy.service';
import { isPurpose } from '../../../policy/policy.vocabulary';
import { Actor } from '../../../shared/actor';
import { AppError, badInput, notFound } from '../../../shared/errors';
import { isUuid, newId } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { Clock, isoDay } from '../../../shared/time';
import { InputCheck } from '../../shared/validation';
import { CaseEntity, CaseGoalEntity, CaseHelpPlanItemEntity } from './case.entity';
import { CaseService } from './case.service';
import { allowedCaseActions, SETTLED_GOAL } from './case.state';
import { CaseDeps, HelpPlanReferralState } from './help-plan.ports';
import { defaultPurpose, SERVICE_CODE } from './help-plan.state';

export interface AddHelpPlanItem {
  caseId: string;
  service: string;
  provider: string;
  purpose?: string | null;
  referralType?: string | null;
  goalId?: string | null;
  dueOn?: string | Date | null;
  send?: boolean | null;
}

/**
 * The help plan (Hilfeplan, docs/case-management-help-plan.md): services at provider partners,
 * each with the referral that sends the person there. The referral lives in the hub, the item in
 * the city: two data sources, no shared transaction. So everything that can refuse is checked
 * first (phase, provider, the provider's basis for the person's data); then the referral is
 * created, then the item in the case's step; when the item cannot be written the referral is
 * cancelled again. The item keeps only the referral's id: its status and deadlines are read live.
 */
export class HelpPlanService {
  constructor(
    private readonly ds: DataSource,
    private readonly cases: CaseService,
    private readonly pdp: PolicyDecisionPoint,
    private readonly clock: Clock,
    private readonly deps: CaseDeps,
  ) {}

  async add(actor: Actor, input: AddHelpPlanItem): Promise<CaseHelpPlanItemEntity> {
    requireScope(actor, 'cases:write');
    const now = this.clock.now();
    const check = new InputCheck(now);
    check.require(
      SERVICE_CODE.test(input.service ?? ''),
      'service is a lower-case code like language_course',
      'service',
    );
    check.require(!!input.provider, 'provider is required (a partner slug)', 'provider');
    check.require(input.provider !== actor.partner, 'You cannot refer to yourself', 'provider');
    if (input.purpose != null) check.require(isPurpose(input.purpose), `Unknown purpose ${input.purpose}`, 'purpose');
    if (input.referralType != null)
      check.require(SERVICE_CODE.test(input.referralType), 'referralType is a lower-case code', 'referralType');
    if (input.goalId != null) check.require(isUuid(input.goalId), 'goalId is not a valid id', 'goalId');
    const dueOn = input.dueOn != null ? check.day(input.dueOn, 'dueOn') : null;
    if (dueOn && dueOn < isoDay(now)) check.refuse('dueOn lies in the past', 'dueOn');
    check.done();

    const c = await this.cases.get(actor, input.caseId);
    if (!c) throw notFound('Case', input.caseId, 'caseId');
    this.cases.require(c, 'addHelpPlanItem');
    if (input.goalId) await this.requireOpenGoal(c, input.goalId);
    const provider = await this.deps.referrals.provider(input.provider);
    if (!provider || !provider.active) throw badInput(`Unknown or inactive partner ${input.provider}`, 'provider');
    const purpose = input.purpose ?? defaultPurpose(provider.kind);
    if (!provider.purposes.includes(purpose))
      throw badInput(`${provider.slug} does not act for the purpose ${purpose}`, 'purpose');
    // The referral would fail on send without it; refusing here writes nothing at all.
    if (!(await this.pdp.recipientBasis(provider.slug, purpose, c.personId, actor.partner))) {
      const allowed = allowedCaseActions(c.phase, c.allianceSignedOn !== null);
      throw new AppError(
        'CONFLICT',
        `The case is in phase ${c.phase}: ${provider.slug} may not receive this person's data for ${purpose} (no legal basis or consent); allowed: ${allowed.join(', ')}`,
        { caseId: c.id, phase: c.phase, provider: provider.slug, purpose, allowedActions: allowed, field: 'provider' },
      );
    }

    // The referral first (hub), then the item (city); a failed item cancels the referral again.
    const referral = await this.deps.referrals.create(actor, {
      personId: c.personId,
      receiver: provider.slug,
      purpose,
      referralType: input.referralType ?? input.service,
      dueOn,
      send: input.send ?? true,
    });
    try {
      return await this.cases.step(actor, c.id, 'addHelpPlanItem', async (em, locked) => {
        const row: CaseHelpPlanItemEntity = {
          id: newId(),
          caseId: locked.id,
          personId: locked.personId,
          goalId: input.goalId ?? null,
          service: input.service,
          provider: provider.slug,
          referralId: referral.id,
          dueOn,
          createdAt: this.clock.now(),
        };
        await em.insert(CaseHelpPlanItemEntity, row);
        await this.cases.event(em, actor, 'case.help_plan_item_added', locked, {
          itemId: row.id,
          service: row.service,
          provider: row.provider,
          referralId: row.referralId,
        });
        return row;
      });
    } catch (err) {
      await this.deps.referrals
        .cancel(actor, referral.id)
        .catch((cancelErr: Error) =>
          this.deps.log.error(
            { referralId: referral.id, caseId: c.id, err: { message: cancelErr.message } },
            'help-plan item not written and its referral not cancelled: cancel it by hand',
          ),
        );
      throw err;
    }
  }

  /** The help plans of cases the actor holds, oldest item first. */
  async forCases(actor: Actor, caseIds: readonly string[]): Promise<CaseHelpPlanItemEntity[]> {
    const ids = caseIds.filter(isUuid);
    if (!ids.length) return [];
    return this.ds.manager
      .createQueryBuilder(CaseHelpPlanItemEntity, 'i')
      .innerJoin(CaseEntity, 'c', 'c.id = i.case_id')
      .where('i.case_id = ANY(:ids) AND c.partner = :partner', { ids, partner: actor.partner })
      .orderBy('i.created_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getMany();
  }

  /** The live states of the items' referrals, in one call to the hub. */
  async states(
    actor: Actor,
    items: ReadonlyArray<Pick<CaseHelpPlanItemEntity, 'referralId' | 'personId'>>,
  ): Promise<Map<string, HelpPlanReferralState>> {
    const refs = items.flatMap((i) => (i.referralId ? [{ referralId: i.referralId, personId: i.personId }] : []));
    if (!refs.length) return new Map();
    return new Map((await this.deps.referrals.states(actor, refs)).map((s) => [s.id, s]));
  }

  today(): string {
    return isoDay(this.clock.now());
  }

  private async requireOpenGoal(c: CaseEntity, goalId: string): Promise<void> {
    const goal = await this.ds.manager.findOneBy(CaseGoalEntity, { id: goalId, caseId: c.id });
    if (!goal) throw notFound('Goal', goalId, 'goalId');
    if (SETTLED_GOAL.includes(goal.status))
      throw badInput(`The goal is ${goal.status}: a help-plan item serves an open goal`, 'goalId');
  }
}
