import { PersonalData } from '../../../policy/personal-data';
import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CityContext } from '../city.context';
import { Household } from '../household/household.types';
import { Municipality } from '../municipality/municipality.types';
import { PersonEntity } from './person.entity';
import { Address, MovePersonInput, Person, PersonConnection, PersonFilter, RegisterPersonInput } from './person.types';

@ArgsType()
class PersonsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => PersonFilter, { nullable: true }) filter?: PersonFilter;
}

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { nullable: true, description: 'A person in your jurisdiction, or null' })
  person(@Arg('id', () => ID) id: string, @Ctx() ctx: CityContext) {
    return ctx.services.persons.get(ctx.actor, id);
  }

  @Query(() => PersonConnection, { description: 'Persons in your jurisdiction, sorted by family name, given name' })
  persons(@Args(() => PersonsArgs) args: PersonsArgs, @Ctx() ctx: CityContext, @Info() info: GraphQLResolveInfo) {
    return ctx.services.persons.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Mutation(() => Person)
  registerPerson(@Arg('input', () => RegisterPersonInput) input: RegisterPersonInput, @Ctx() ctx: CityContext) {
    return ctx.services.persons.register(ctx.actor, input);
  }

  @Mutation(() => Person, { description: 'Record a move (new address or another municipality)' })
  movePerson(@Arg('input', () => MovePersonInput) input: MovePersonInput, @Ctx() ctx: CityContext) {
    return ctx.services.persons.move(ctx.actor, input);
  }

  @PersonalData('contact')
  @FieldResolver(() => Address, { nullable: true })
  address(@Root() p: PersonEntity): Address | null {
    if (!p.street && !p.postalCode && !p.locality && !p.district) return null;
    return {
      street: p.street,
      houseNumber: p.houseNumber,
      postalCode: p.postalCode,
      locality: p.locality,
      district: p.district,
    };
  }

  @PersonalData('contact')
  @FieldResolver(() => Municipality, { nullable: true })
  async municipality(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return (
      (await ctx.loaders.municipality.load(p.municipalityKey)) ?? {
        key: p.municipalityKey,
        name: p.municipalityKey,
        level: 'municipality',
      }
    );
  }

  @PersonalData('identity')
  @FieldResolver(() => Person, {
    nullable: true,
    description: 'The record this one was merged into (a confirmed duplicate): use that one; null when not merged',
  })
  mergedInto(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return p.mergedInto ? ctx.loaders.person.load(p.mergedInto) : null;
  }

  @PersonalData('contact')
  @FieldResolver(() => Household, { nullable: true })
  household(@Root() p: PersonEntity): Household | null {
    return p.householdId ? { id: p.householdId, municipalityKey: p.municipalityKey } : null;
  }
}

@Resolver(() => Household)
export class HouseholdResolver {
  @FieldResolver(() => [Person], { description: 'Members you may see, oldest first' })
  members(@Root() h: Household, @Ctx() ctx: CityContext) {
    return ctx.loaders.householdMembers.load(h.id);
  }
}
