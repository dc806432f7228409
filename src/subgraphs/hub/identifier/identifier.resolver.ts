import { PersonalData } from '../../../policy/personal-data';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { AddPersonIdentifierInput, IdentifierSystem, PersonIdentifier } from './identifier.types';

@Resolver(() => HubPerson)
export class PersonIdentifierResolver {
  @PersonalData('identity')
  @FieldResolver(() => [PersonIdentifier], { nullable: true, description: "Agencies' own identifiers for this person" })
  identifiers(@Root() p: HubPerson, @Ctx() ctx: HubContext) {
    return ctx.loaders.identifiers.load(p.id);
  }

  @Query(() => HubPerson, {
    nullable: true,
    description: 'Find a person by an agency identifier (AZR number, customer number, ...)',
  })
  async personByIdentifier(
    @Arg('system', () => IdentifierSystem) system: IdentifierSystem,
    @Arg('value', () => String) value: string,
    @Arg('issuedBy', () => String, { nullable: true }) issuedBy: string | null,
    @Ctx() ctx: HubContext,
  ) {
    const row = await ctx.services.identifiers.find(ctx.actor, system, value, issuedBy);
    // A look-up must not tell a partner that a person exists which it may not know of (identity).
    if (!row || !(await ctx.policy.decide(row.personId, 'identity')).allowed) return null;
    return { id: row.personId };
  }

  @Mutation(() => PersonIdentifier, { description: 'Record your own identifier for a person' })
  addPersonIdentifier(
    @Arg('input', () => AddPersonIdentifierInput) input: AddPersonIdentifierInput,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.identifiers.add(ctx.actor, input);
  }
}
