import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
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
import { PersonEntity } from '../person/person.entity';
import { Person } from '../person/person.types';
import { ArrivalVisitEntity } from './arrival.entity';
import {
  ArrivalVisit,
  ArrivalVisitConnection,
  ArrivalVisitFilterInput,
  PlanArrivalVisitInput,
  RecordArrivalVisitInput,
  RecordFollowUpInput,
} from './arrival.types';

@ArgsType()
class ArrivalVisitsArgs {
  @Field(() => ArrivalVisitFilterInput, { nullable: true }) filter?: ArrivalVisitFilterInput;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@Resolver(() => ArrivalVisit)
export class ArrivalVisitResolver {
  @Query(() => ArrivalVisitConnection, { description: 'Your arrival visits, newest planned first' })
  arrivalVisits(
    @Args(() => ArrivalVisitsArgs) args: ArrivalVisitsArgs,
    @Ctx() ctx: CityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.arrivalReads.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Mutation(() => ArrivalVisit, {
    description:
      'Plan an arrival visit (Hausbesuch) to a family; again while planned moves the day (then not as planned). ' +
      'Purpose arrival_counselling, scope cases:write',
  })
  planArrivalVisit(@Arg('input', () => PlanArrivalVisitInput) input: PlanArrivalVisitInput, @Ctx() ctx: CityContext) {
    return ctx.services.arrivals.plan(ctx.actor, input);
  }

  @Mutation(() => ArrivalVisit, {
    description: 'Record once whether the planned visit took place, and what it covered',
  })
  recordArrivalVisit(
    @Arg('input', () => RecordArrivalVisitInput) input: RecordArrivalVisitInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.arrivals.record(ctx.actor, input);
  }

  @Mutation(() => ArrivalVisit, {
    description:
      "Record the family's contact with a district office or the school-placement counselling after the visit",
  })
  recordFollowUp(@Arg('input', () => RecordFollowUpInput) input: RecordFollowUpInput, @Ctx() ctx: CityContext) {
    return ctx.services.arrivals.recordFollowUp(ctx.actor, input);
  }

  // Through the loader: only a person the caller may see, its fields guarded as usual.
  @FieldResolver(() => Person, { nullable: true })
  person(@Root() v: ArrivalVisitEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.person.load(v.personId);
  }
}

@Resolver(() => Person)
export class PersonArrivalVisitResolver {
  @PersonalData('case_notes')
  @FieldResolver(() => [ArrivalVisit], {
    nullable: true,
    description: "Your arrival visits to the person's family (household), newest first",
  })
  arrivalVisits(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.arrivalVisits.load(p.householdId ?? p.id);
  }
}
