import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { HubContext } from '../hub.context';
import { LegalBasis, LegalBasisFilter } from './legal-basis.types';

@Resolver(() => LegalBasis)
export class LegalBasisResolver {
  @Query(() => [LegalBasis], {
    description:
      'Legal bases: who may process which category for which purpose, and why (records of processing, DSGVO Art. 30)',
  })
  legalBases(
    @Arg('filter', () => LegalBasisFilter, { nullable: true }) filter: LegalBasisFilter | null,
    @Ctx() ctx: HubContext,
  ) {
    return ctx.services.legalBases.list(ctx.actor, filter ?? {});
  }
}
