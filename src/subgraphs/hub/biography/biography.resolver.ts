import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { badInput } from '../../../shared/errors';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { BiographyEntryEntity } from './biography.entity';
import { MAX_BIOGRAPHY } from './biography.service';
import { BiographyEntry } from './biography.types';

@Resolver(() => HubPerson)
export class BiographyResolver {
  /**
   * Entries span categories (residence, benefits, …): each is shown only when the caller may see
   * its category for the stated purpose; the others are left out and the denial is audited.
   */
  @FieldResolver(() => [BiographyEntry], { description: 'The integration biography across all agencies, newest first; entries of categories you may not see are left out' })
  async biography(
    @Root() p: HubPerson,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_BIOGRAPHY}, default 50` }) first: number | null,
    @Ctx() ctx: HubContext,
  ): Promise<BiographyEntry[]> {
    const n = first ?? 50;
    if (!Number.isInteger(n) || n < 1 || n > MAX_BIOGRAPHY) throw badInput(`first must be between 1 and ${MAX_BIOGRAPHY}`, 'first');
    const rows = await ctx.loaders.biography(n).load(p.id);
    const visible: BiographyEntry[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const category = row.category as DataCategory;
      const decision = await ctx.policy.decide(p.id, category);
      if (!seen.has(category)) {
        seen.add(category);
        ctx.policy.record({ kind: decision.allowed ? 'read' : 'denied', personId: p.id, category, field: 'Person.biography', basis: decision.basis });
      }
      if (decision.allowed) visible.push(toEntry(row));
    }
    return visible;
  }
}

const toEntry = (r: BiographyEntryEntity): BiographyEntry => ({
  id: r.eventId,
  type: r.type,
  source: r.source,
  actor: r.actorPartner,
  summary: r.summary,
  category: r.category,
  data: r.data,
  occurredAt: r.occurredAt,
});
