import { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { wantsTotalCount } from '../../shared/connection.selection';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { AccessReportConnection } from './access-report.types';

const WHO =
  'The data-protection officer and the person’s current case owner read every entry; any other partner only the entries of its own accesses (see coverage)';

@Resolver()
export class AccessReportResolver {
  @Query(() => AccessReportConnection, {
    description: `Who accessed this person’s data, newest first (DSGVO Art. 15). ${WHO}`,
  })
  accessReport(
    @Arg('personId', () => ID) personId: string,
    @Arg('first', () => Int, { nullable: true, description: '1 to 100, default 20' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('since', () => DateTimeResolver, { nullable: true, description: 'Only entries from then on' })
    since: Date | null,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AccessReportConnection> {
    const count = wantsTotalCount(info);
    return ctx.services.accessReport.report(ctx.actor, personId, {
      first,
      after,
      since,
      field: 'Query.accessReport',
      count,
    });
  }
}

@Resolver(() => HubPerson)
export class PersonAccessReportResolver {
  @FieldResolver(() => AccessReportConnection, {
    nullable: true,
    description: `Who accessed this person’s data, newest first (DSGVO Art. 15). ${WHO}`,
  })
  accessReport(
    @Root() p: HubPerson,
    @Arg('first', () => Int, { nullable: true, description: '1 to 100, default 20' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('since', () => DateTimeResolver, { nullable: true, description: 'Only entries from then on' })
    since: Date | null,
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AccessReportConnection> {
    const count = wantsTotalCount(info);
    return ctx.services.accessReport.report(ctx.actor, p.id, {
      first,
      after,
      since,
      field: 'Person.accessReport',
      count,
    });
  }
}
