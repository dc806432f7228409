import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CityContext } from '../city.context';
import { AppointmentOutcome, CancelledBy } from './case.appointments';
import { CaseEntity } from './case.entity';
import { goalAttainment } from './case.goals';
import { CasePhase, CaseTrack, ClosureKind, GoalStatus, LifeDomain } from './case.state';
import { Case } from './case.types';
import {
  AgreeGoalInput,
  Assessment,
  CaseAppointment,
  CaseConnection,
  CaseGoal,
  CasesFilter,
  CloseCaseInput,
  GoalAttainment,
  RecordAppointmentInput,
  RecordAssessmentInput,
  ReopenCaseInput,
  ScheduleAppointmentInput,
  UpdateGoalInput,
} from './case-detail.types';

@ArgsType()
class CasesArgs {
  @Field(() => CasesFilter, { nullable: true }) filter?: CasesFilter | null;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

/** The person a case's rows belong to: the case's client. */
const ofCase = (c: CaseEntity) => c.personId;

/** The steps of case management after opening, the caller's case list, and what a case holds. */
@Resolver(() => Case)
export class CaseDetailResolver {
  @Query(() => CaseConnection, {
    description: 'The cases you hold (scope cases:write), newest opened first; other partners’ cases are never listed',
  })
  cases(@Args(() => CasesArgs) args: CasesArgs, @Ctx() ctx: CityContext, @Info() info: GraphQLResolveInfo) {
    const f = args.filter;
    return ctx.services.caseList.list(ctx.actor, {
      first: args.first,
      after: args.after,
      count: wantsTotalCount(info),
      filter: f && { ...f, phase: f.phase as CasePhase | null, track: f.track as CaseTrack | null },
    });
  }

  @Mutation(() => Case, {
    description: 'Record the assessment (Anamnese) of one life domain; a re-assessment replaces it. Phase → assessment',
  })
  recordAssessment(@Arg('input', () => RecordAssessmentInput) input: RecordAssessmentInput, @Ctx() ctx: CityContext) {
    return ctx.services.caseAssessments.record(ctx.actor, { ...input, domain: input.domain as LifeDomain });
  }

  @Mutation(() => CaseGoal, {
    description: 'Agree a goal (Zielvereinbarung), or agree a proposed one (proposalId). Phase → goal_agreement',
  })
  agreeGoal(@Arg('input', () => AgreeGoalInput) input: AgreeGoalInput, @Ctx() ctx: CityContext) {
    return ctx.services.caseGoals.agree(ctx.actor, { ...input, domain: input.domain as LifeDomain });
  }

  @Mutation(() => CaseGoal, { description: 'Change a goal’s status, wording or target day' })
  updateGoal(@Arg('input', () => UpdateGoalInput) input: UpdateGoalInput, @Ctx() ctx: CityContext) {
    return ctx.services.caseGoals.update(ctx.actor, { ...input, status: input.status as GoalStatus | null });
  }

  @Mutation(() => CaseAppointment, { description: 'Schedule an appointment with the client' })
  scheduleAppointment(
    @Arg('input', () => ScheduleAppointmentInput) input: ScheduleAppointmentInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.caseAppointments.schedule(ctx.actor, input);
  }

  @Mutation(() => CaseAppointment, {
    description: 'Record an appointment once: kept or missed (from its time on), or cancelled (by whom)',
  })
  recordAppointment(
    @Arg('input', () => RecordAppointmentInput) input: RecordAppointmentInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.caseAppointments.record(ctx.actor, {
      ...input,
      status: input.status as AppointmentOutcome,
      cancelledBy: input.cancelledBy as CancelledBy | null,
    });
  }

  @Mutation(() => Case, { description: 'Move a case from the help plan into monitoring' })
  startMonitoring(@Arg('caseId', () => ID) caseId: string, @Ctx() ctx: CityContext) {
    return ctx.services.caseClosure.startMonitoring(ctx.actor, caseId);
  }

  @Mutation(() => Case, {
    description: 'Close a case (Abschluss): planned, or unplanned with a reason; every open or proposed goal settled',
  })
  closeCase(@Arg('input', () => CloseCaseInput) input: CloseCaseInput, @Ctx() ctx: CityContext) {
    return ctx.services.caseClosure.close(ctx.actor, {
      ...input,
      kind: input.kind as ClosureKind | null,
      goals: input.goals?.map((g) => ({ goalId: g.goalId, status: g.status as GoalStatus })),
    });
  }

  @Mutation(() => Case, { description: 'Reopen a closed case: back to monitoring, its closure cleared' })
  reopenCase(@Arg('input', () => ReopenCaseInput) input: ReopenCaseInput, @Ctx() ctx: CityContext) {
    return ctx.services.caseClosure.reopen(ctx.actor, input);
  }

  @PersonalData('case_notes', ofCase)
  @FieldResolver(() => [Assessment], {
    nullable: true,
    description: 'The assessment by life domain, health left out (see healthAssessment)',
  })
  async assessment(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return (await ctx.loaders.caseAssessments.load(c.id)).filter((a) => a.domain !== 'health');
  }

  @PersonalData('health', ofCase)
  @FieldResolver(() => Assessment, {
    nullable: true,
    description: 'The health assessment: special-category data, shown only under a basis or consent for health',
  })
  async healthAssessment(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return (await ctx.loaders.caseAssessments.load(c.id)).find((a) => a.domain === 'health') ?? null;
  }

  @PersonalData('case_notes', ofCase)
  @FieldResolver(() => [CaseGoal], { nullable: true, description: 'The goals, oldest first' })
  goals(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.caseGoals.load(c.id);
  }

  @PersonalData('case_notes', ofCase)
  @FieldResolver(() => GoalAttainment, { nullable: true })
  async goalAttainment(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return goalAttainment(await ctx.loaders.caseGoals.load(c.id));
  }

  @PersonalData('case_notes', ofCase)
  @FieldResolver(() => [CaseAppointment], { nullable: true, description: 'The appointments, by time' })
  appointments(@Root() c: CaseEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.caseAppointments.load(c.id);
  }
}
