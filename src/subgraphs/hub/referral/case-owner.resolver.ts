import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { HubContext } from '../hub.context';
import { HubPerson } from '../hub.person';
import { CaseOwner } from './case-owner.types';

/**
 * Who holds the person's case: case data like the documentation of the case work, so it needs a
 * basis or consent for case_notes under the stated purpose, like any other personal data field.
 */
@Resolver(() => HubPerson)
export class PersonCaseOwnerResolver {
  @PersonalData('case_notes')
  @FieldResolver(() => CaseOwner, {
    nullable: true,
    description:
      'The partner that took over the case most recently by an accepted transfer (null: no transfer so far); ' +
      'caseOwners lists every current owner when several legal domains each have one',
  })
  async caseOwner(@Root() p: HubPerson, @Ctx() ctx: HubContext): Promise<CaseOwner | null> {
    return (await ctx.loaders.caseOwners.load(p.id))[0] ?? null;
  }

  @PersonalData('case_notes')
  @FieldResolver(() => [CaseOwner], {
    nullable: true,
    description: 'Every current case owner (legal domains can each have one), the most recent first',
  })
  caseOwners(@Root() p: HubPerson, @Ctx() ctx: HubContext): Promise<CaseOwner[]> {
    return ctx.loaders.caseOwners.load(p.id);
  }
}
