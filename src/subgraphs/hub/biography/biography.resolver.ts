import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Decision } from '../../../policy/policy.service';
import { DataCategory } from '../../../policy/policy.vocabulary';
import { Actor } from '../../../shared/actor';
import { badInput } from '../../../shared/errors';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { BiographyRow, EntryParties, MAX_BIOGRAPHY } from './biography.service';
import { BiographyEntry } from './biography.types';

@Resolver(() => HubPerson)
export class BiographyResolver {
  /**
   * Entries span categories (residence, benefits, …): each is shown only when the caller may see
   * its category for the stated purpose, or, for a step of a referral or transfer, when the caller
   * is a party of that referral acting for its purpose (see referralDecision). The others are left
   * out; reads and denials are audited once per category and basis.
   */
  @FieldResolver(() => [BiographyEntry], {
    description:
      'The integration biography across all agencies, newest first; entries of categories you may not see, ' +
      'and steps of referrals you are not a party of, are left out',
  })
  async biography(
    @Root() p: HubPerson,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_BIOGRAPHY}, default 50` }) first: number | null,
    @Ctx() ctx: HubContext,
  ): Promise<BiographyEntry[]> {
    const n = first ?? 50;
    if (!Number.isInteger(n) || n < 1 || n > MAX_BIOGRAPHY) {
      throw badInput(`first must be between 1 and ${MAX_BIOGRAPHY}`, 'first');
    }
    const rows: BiographyRow[] = await ctx.loaders.biography(n).load(p.id);
    // A party sees a referral's steps only on a person it may know of at all (identity, in its jurisdiction).
    const known = (await ctx.policy.decide(p.id, 'identity')).allowed;
    const visible: BiographyEntry[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const category = row.category as DataCategory;
      const decision = row.parties
        ? known
          ? referralDecision(ctx.actor, row.parties)
          : DENIED
        : await ctx.policy.decide(p.id, category);
      const key = `${decision.allowed}|${category}|${decision.basis ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        const kind = decision.allowed ? 'read' : 'denied';
        ctx.policy.record({ kind, personId: p.id, category, field: 'Person.biography', basis: decision.basis });
      }
      if (decision.allowed) visible.push(toEntry(row));
    }
    return visible;
  }
}

const DENIED: Decision = { allowed: false, basis: null };

/**
 * A step of a referral or transfer is the business of its parties: the receiver and the person's
 * current case owner see it when acting for the referral's purpose; the sender, whose own case it
 * is, under any purpose it acts for (as its webhooks about the referral, webhook.basis.ts). Nobody
 * else, whatever bases it holds for the entry's category. The basis recorded is the referral.
 */
export function referralDecision(actor: Actor, parties: EntryParties): Decision {
  if (actor.scopes.includes('*')) return { allowed: true, basis: 'system' };
  const r = parties.referral;
  if (!r) return { allowed: false, basis: null };
  const party = [r.receiver, r.sender, ...parties.caseOwners].includes(actor.partner);
  const allowed = actor.partner === r.sender || (party && actor.purpose === r.purpose);
  return allowed ? { allowed: true, basis: `referral:${r.id}` } : { allowed: false, basis: null };
}

const toEntry = (r: BiographyRow): BiographyEntry => ({
  id: r.eventId,
  type: r.type,
  source: r.source,
  actor: r.actorPartner,
  summary: r.summary,
  category: r.category,
  data: r.data,
  occurredAt: r.occurredAt,
});
