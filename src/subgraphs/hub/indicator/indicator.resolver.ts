import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { HubContext } from '../hub.context';
import { IndicatorDefinition, IndicatorReport } from './indicator.types';

@Resolver()
export class IndicatorResolver {
  @Query(() => IndicatorReport, {
    description:
      'The report’s indicators (scope statistics:read, purpose statistics and a legal basis for it): period YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD; offer null for all; counts below 5 suppressed. internal: only your own records, small numbers shown, audited',
  })
  indicators(
    @Arg('period', () => String) period: string,
    @Arg('offer', () => String, { nullable: true }) offer: string | null,
    @Arg('internal', () => Boolean, { nullable: true, defaultValue: false }) internal: boolean,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.indicators.report(ctx.actor, { period, offer, internal });
  }

  @Query(() => [IndicatorDefinition], {
    description: 'What each indicator counts (numerator, denominator, period rule; German); offer null for all',
  })
  indicatorDefinitions(@Arg('offer', () => String, { nullable: true }) offer: string | null, @Ctx() ctx: HubContext) {
    return ctx.services.indicators.definitions(offer).map((d) => ({ ...d, categories: d.categories ?? [] }));
  }
}
