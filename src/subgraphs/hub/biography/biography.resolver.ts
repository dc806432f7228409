import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { entryOf, EVENT_TYPES } from '../../../events/event-types';
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
   * is a party of that referral acting for its purpose (see referralDecision), or, for a step of a
   * case (visibility holder), when the caller is the case's holder and may see the category. The
   * others are left out; reads and denials are audited once per category and basis.
   */
  @FieldResolver(() => [BiographyEntry], {
    description:
      'The integration biography across all agencies, newest first; entries of categories you may not see, ' +
      'steps of referrals you are not a party of, and steps of cases you do not hold, are left out',
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
        : holderBound(row) && !isHolder(ctx.actor, row)
          ? DENIED
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

/** Entry types shown to the partner that wrote them only (the catalogue's `holder` visibility: a case's steps). */
const HOLDER_BOUND: ReadonlySet<string> = new Set(EVENT_TYPES.filter((t) => entryOf(t).visibility === 'holder'));
const holderBound = (row: BiographyRow) => HOLDER_BOUND.has(row.type);

/** The entry's writer, under its own basis or consent for the category (checked after this). */
const isHolder = (actor: Actor, row: BiographyRow) => actor.scopes.includes('*') || actor.partner === row.actorPartner;

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
