import { Ctx, Query, Resolver } from 'type-graphql';
import { CityContext } from '../city.context';
import { Municipality } from './municipality.types';

@Resolver(() => Municipality)
export class MunicipalityResolver {
  @Query(() => [Municipality], { description: 'Known states, districts and municipalities' })
  municipalities(@Ctx() ctx: CityContext) {
    return ctx.services.municipalities.list();
  }
}
