import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { AppError } from '../../../shared/errors';
import { HubContext } from '../hub.context';
import { Partner, Viewer } from './partner.types';

@Resolver(() => Partner)
export class PartnerResolver {
  @Query(() => [Partner], { description: 'All connected partners (a directory; no personal data)' })
  partners(@Ctx() ctx: HubContext) {
    return ctx.services.partners.list(ctx.actor);
  }

  @Query(() => Partner, { nullable: true })
  async partner(@Arg('slug', () => String) slug: string, @Ctx() ctx: HubContext) {
    return (await ctx.services.partners.list(ctx.actor)).find((p) => p.slug === slug) ?? null;
  }

  @Query(() => Viewer, { description: 'Who you are: your partner, scopes and jurisdiction' })
  async viewer(@Ctx() ctx: HubContext): Promise<Viewer> {
    const partner = await ctx.services.partners.findBySlug(ctx.actor.partner);
    if (!partner) throw new AppError('UNAUTHENTICATED', 'Unknown partner');
    return {
      subject: ctx.actor.subject,
      partner: partner as Partner,
      scopes: ctx.actor.scopes,
      purpose: ctx.actor.purpose,
    };
  }
}
