import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { CityContext } from '../city.context';
import { Person } from '../person/person.types';
import { PersonEntity } from '../person/person.entity';
import { CaseEntity } from './case.entity';
import { allowedCaseActions } from './case.state';
import { Case, CaseActionEnum, OpenCaseInput } from './case.types';

@Resolver(() => Case)
export class CaseResolver {
  @Query(() => Case, { nullable: true, description: 'A case you hold (scope cases:write), or null' })
  case(@Arg('id', () => ID) id: string, @Ctx() ctx: CityContext) {
    return ctx.services.cases.get(ctx.actor, id);
  }

  @Mutation(() => Case, {
    description: 'Open a case (Fall eröffnen) once the working alliance is signed; you hold it (scope cases:write)',
  })
  openCase(@Arg('input', () => OpenCaseInput) input: OpenCaseInput, @Ctx() ctx: CityContext) {
    return ctx.services.cases.open(ctx.actor, input);
  }

  @PersonalData('case_notes')
  @FieldResolver(() => [CaseActionEnum], { nullable: true, description: 'The steps the case’s phase allows now' })
  allowedActions(@Root() c: CaseEntity) {
    return allowedCaseActions(c.phase, c.allianceSignedOn !== null);
  }
}

@Resolver(() => Person)
export class PersonCasesResolver {
  @PersonalData('case_notes')
  @FieldResolver(() => [Case], {
    nullable: true,
    description: 'The cases you hold for the person (case notes: shown under a basis or consent), newest first',
  })
  cases(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.cases.load(p.id);
  }
}
