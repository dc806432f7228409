import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '../../../shared/errors';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { BiographyEntryEntity } from './biography.entity';
import { MAX_BIOGRAPHY } from './biography.service';
import { BiographyEntry } from './biography.types';

@Resolver(() => HubPerson)
export class BiographyResolver {
  @FieldResolver(() => [BiographyEntry], { description: 'The integration biography across all agencies, newest first' })
  async biography(
    @Root() p: HubPerson,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_BIOGRAPHY}, default 50` }) first: number | null,
    @Ctx() ctx: HubContext,
  ): Promise<BiographyEntry[]> {
    const n = first ?? 50;
    if (!Number.isInteger(n) || n < 1 || n > MAX_BIOGRAPHY) throw badInput(`first must be between 1 and ${MAX_BIOGRAPHY}`, 'first');
    const rows = await ctx.loaders.biography(n).load(p.id);
    return rows.map(toEntry);
  }
}

const toEntry = (r: BiographyEntryEntity): BiographyEntry => ({
  id: r.eventId,
  type: r.type,
  source: r.source,
  actor: r.actorPartner,
  summary: r.summary,
  data: r.data,
  occurredAt: r.occurredAt,
});
