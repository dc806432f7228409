import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { CityContext } from '../city.context';
import { CaseEntity, CaseHelpPlanItemEntity } from './case.entity';
import { Case } from './case.types';
import { isOverdue } from './help-plan.state';
import { AddHelpPlanItemInput, HelpPlanDeadline, HelpPlanItem } from './help-plan.types';

@Resolver(() => HelpPlanItem)
export class HelpPlanResolver {
  @Mutation(() => HelpPlanItem, {
    description:
      'Add a service to the help plan (Hilfeplan) and send its referral to the provider (scope cases:write, referrals:write)',
  })
  addHelpPlanItem(@Arg('input', () => AddHelpPlanItemInput) input: AddHelpPlanItemInput, @Ctx() ctx: CityContext) {
    return ctx.services.helpPlan.add(ctx.actor, input);
  }

  // The referral's state is the hub's, read live through one batched call per request.
  @PersonalData('case_notes')
  @FieldResolver(() => String, { nullable: true, description: 'The referral’s status, live from the hub' })
  async referralStatus(@Root() i: CaseHelpPlanItemEntity, @Ctx() ctx: CityContext) {
    return (await ctx.loaders.referralStates.load(i))?.status ?? null;
  }

  @PersonalData('case_notes')
  @FieldResolver(() => [HelpPlanDeadline], {
    nullable: true,
    description: 'The deadlines of cooperation agreements on the referral',
  })
  async deadlines(@Root() i: CaseHelpPlanItemEntity, @Ctx() ctx: CityContext) {
    return (await ctx.loaders.referralStates.load(i))?.deadlines ?? [];
  }

  @PersonalData('case_notes')
  @FieldResolver(() => Boolean, {
    nullable: true,
    description:
      'The provider has not taken the person over (accepted, started) by dueOn, or an agreement deadline passed unmet',
  })
  async overdue(@Root() i: CaseHelpPlanItemEntity, @Ctx() ctx: CityContext) {
    return isOverdue(await ctx.loaders.referralStates.load(i), i.dueOn, ctx.services.helpPlan.today());
  }
}

@Resolver(() => Case)
export class CaseHelpPlanResolver {
  @PersonalData('case_notes')
  @FieldResolver(() => [HelpPlanItem], { nullable: true, description: 'The help plan (Hilfeplan), oldest item first' })
  helpPlan(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.helpPlan.load(c.id);
  }
}
