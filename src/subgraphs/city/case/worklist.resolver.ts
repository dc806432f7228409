import { GraphQLResolveInfo } from 'graphql';
import { Args, ArgsType, Ctx, Field, Info, Int, Query, Resolver } from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CityContext } from '../city.context';
import { CaseWorklistConnection, CaseWorklistEntry } from './worklist.types';

@ArgsType()
class CaseWorklistArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@Resolver(() => CaseWorklistEntry)
export class WorklistResolver {
  @Query(() => CaseWorklistConnection, {
    description:
      'Your open cases that need attention (Arbeitsliste), most urgent first, each with its reasons (scope cases:write)',
  })
  caseWorklist(
    @Args(() => CaseWorklistArgs) args: CaseWorklistArgs,
    @Ctx() ctx: CityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.worklist.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }
}
