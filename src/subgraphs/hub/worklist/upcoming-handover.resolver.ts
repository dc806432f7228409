import { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Info, Query, Resolver } from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { HubContext } from '../hub.context';
import { UpcomingHandover, UpcomingHandoverConnection, UpcomingHandoversArgs } from './upcoming-handover.types';

@Resolver(() => UpcomingHandover)
export class UpcomingHandoverResolver {
  @Query(() => UpcomingHandoverConnection, {
    description:
      'Handovers the rules will start within the next `within` days (eUMA transfers, benefit switches, arrival ' +
      'follow-ups), by due date; only those of persons you may know of and that concern you (docs/referrals.md)',
  })
  async upcomingHandovers(
    @Args(() => UpcomingHandoversArgs) args: UpcomingHandoversArgs,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const page = await ctx.services.upcomingHandovers.list(ctx.policy, { ...args, count: wantsTotalCount(info) });
    return {
      ...page,
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: { ...e.node, person: { id: e.node.personId } } })),
    };
  }
}
