import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { HubContext } from '../hub.context';
import { AccessReportEntry } from './access-report.types';

@Resolver(() => AccessReportEntry)
export class AccessReportResolver {
  @Query(() => [AccessReportEntry], { description: 'Who accessed this person’s data, newest first (needs audit:read)' })
  accessReport(
    @Arg('personId', () => ID) personId: string,
    @Arg('first', () => Int, { nullable: true, description: '1 to 1000, default 100' }) first: number | null,
    @Arg('since', () => DateTimeResolver, { nullable: true }) since: Date | null,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.accessReport.report(ctx.actor, personId, { first, since });
  }
}
