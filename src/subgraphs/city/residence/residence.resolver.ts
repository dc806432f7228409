import { PersonalData } from '../../../policy/personal-data';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { CityContext } from '../city.context';
import { PersonEntity } from '../person/person.entity';
import { Person } from '../person/person.types';
import { RecordResidenceStatusInput, ResidenceStatus } from './residence.types';

@Resolver(() => Person)
export class PersonResidenceResolver {
  @PersonalData('residence')
  @FieldResolver(() => ResidenceStatus, { nullable: true, description: 'The status valid today' })
  async residenceStatus(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return ctx.services.residence.current(await ctx.loaders.residenceHistory.load(p.id));
  }

  @PersonalData('residence')
  @FieldResolver(() => [ResidenceStatus], { nullable: true, description: 'All recorded statuses, newest first' })
  residenceHistory(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.residenceHistory.load(p.id);
  }
}

@Resolver(() => ResidenceStatus)
export class ResidenceResolver {
  @Mutation(() => ResidenceStatus, { description: 'Record a residence status (immigration office)' })
  recordResidenceStatus(
    @Arg('input', () => RecordResidenceStatusInput) input: RecordResidenceStatusInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.residence.record(ctx.actor, input);
  }
}
