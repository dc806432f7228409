import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { ConsentEntity } from './consent.entity';
import { Consent, RecordConsentInput, WithdrawConsentInput } from './consent.types';

const toConsent = (ctx: HubContext, c: ConsentEntity): Consent => ({ ...c, active: ctx.services.consents.isActive(c) });

@Resolver(() => HubPerson)
export class PersonConsentResolver {
  @PersonalData('identity')
  @FieldResolver(() => [Consent], { nullable: true, description: "The person's consents, newest first" })
  async consents(@Root() p: HubPerson, @Ctx() ctx: HubContext) {
    return (await ctx.loaders.consents.load(p.id)).map((c) => toConsent(ctx, c));
  }
}

@Resolver(() => Consent)
export class ConsentResolver {
  @Mutation(() => Consent, { description: "Record a person's informed consent (needs consent:write)" })
  async recordConsent(@Arg('input', () => RecordConsentInput) input: RecordConsentInput, @Ctx() ctx: HubContext) {
    return toConsent(ctx, await ctx.services.consents.record(ctx.actor, input));
  }

  @Mutation(() => Consent, { description: 'Withdraw a consent; effective at once for the future' })
  async withdrawConsent(@Arg('input', () => WithdrawConsentInput) input: WithdrawConsentInput, @Ctx() ctx: HubContext) {
    return toConsent(ctx, await ctx.services.consents.withdraw(ctx.actor, input));
  }
}
