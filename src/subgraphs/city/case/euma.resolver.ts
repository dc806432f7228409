import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { CityContext } from '../city.context';
import { Case } from './case.types';
import { ConfirmWorkingAllianceInput } from './euma.types';

@Resolver(() => Case)
export class EumaResolver {
  @Mutation(() => Case, {
    description:
      'Sign the working alliance (Arbeitsbündnis) of a case opened from a transfer (eUMA track) and name its case manager (scope cases:write)',
  })
  confirmWorkingAlliance(
    @Arg('input', () => ConfirmWorkingAllianceInput) input: ConfirmWorkingAllianceInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.euma.confirmWorkingAlliance(ctx.actor, input);
  }
}
