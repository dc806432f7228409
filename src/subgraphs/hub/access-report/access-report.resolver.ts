import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
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

@Resolver(() => HubPerson)
export class PersonAccessReportResolver {
  @FieldResolver(() => [AccessReportEntry], {
    nullable: true,
    description: 'Who accessed this person’s data, newest first (DSGVO Art. 15; needs audit:read)',
  })
  accessReport(
    @Root() p: HubPerson,
    @Arg('first', () => Int, { nullable: true, description: '1 to 1000, default 100' }) first: number | null,
    @Arg('since', () => DateTimeResolver, { nullable: true }) since: Date | null,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.accessReport.report(ctx.actor, p.id, { first, since });
  }
}
