import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { CoursesContext } from '../courses.context';
import { CoursesPerson } from '../person/person.types';
import { EntitlementEntity } from './entitlement.entity';
import {
  AddObligingBodyInput,
  Entitlement,
  EntitlementBody,
  EntitlementStep,
  IssueEntitlementInput,
  RegisterEntitlementInput,
  TransferEntitlementInput,
  WithdrawEntitlementInput,
} from './entitlement.types';

@Resolver(() => Entitlement)
export class EntitlementResolver {
  @Mutation(() => Entitlement, {
    description:
      'Issue an entitlement or obligation to a course (immigration offices, jobcenters); a second active one for the same person and course kind is refused with CONFLICT naming the first',
  })
  issueEntitlement(
    @Arg('input', () => IssueEntitlementInput) input: IssueEntitlementInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.entitlements.issue(ctx.actor, input);
  }

  @Mutation(() => Entitlement, {
    description: 'Add a body that entitles or obliges the person to an existing entitlement',
  })
  addObligingBody(@Arg('input', () => AddObligingBodyInput) input: AddObligingBodyInput, @Ctx() ctx: CoursesContext) {
    return ctx.services.entitlements.addObligingBody(ctx.actor, input);
  }

  @Mutation(() => Entitlement, { description: 'Withdraw an active entitlement (its issuing or obliging bodies)' })
  withdrawEntitlement(
    @Arg('input', () => WithdrawEntitlementInput) input: WithdrawEntitlementInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.entitlements.withdraw(ctx.actor, input);
  }

  @Mutation(() => Entitlement, {
    description:
      'Move an entitlement to another course provider: the same entry, the old provider is told to release it',
  })
  transferEntitlement(
    @Arg('input', () => TransferEntitlementInput) input: TransferEntitlementInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.entitlements.transfer(ctx.actor, input);
  }

  @Mutation(() => Entitlement, { description: 'Register an issued entitlement at your course provider' })
  registerEntitlement(
    @Arg('input', () => RegisterEntitlementInput) input: RegisterEntitlementInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.entitlements.register(ctx.actor, input);
  }

  @PersonalData('course_participation')
  @FieldResolver(() => [EntitlementBody], { nullable: true, description: 'Issuer first, then every obliging body' })
  obligingBodies(@Root() e: EntitlementEntity, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.entitlementBodies.load(e.id);
  }

  @PersonalData('course_participation')
  @FieldResolver(() => [EntitlementStep], { nullable: true, description: 'Every step, oldest first' })
  steps(@Root() e: EntitlementEntity, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.entitlementSteps.load(e.id);
  }

  @FieldResolver(() => CoursesPerson, { description: 'The person (owned by the city subgraph)' })
  person(@Root() e: EntitlementEntity): CoursesPerson {
    return { id: e.personId };
  }
}

@Resolver(() => CoursesPerson)
export class PersonEntitlementsResolver {
  @PersonalData('course_participation')
  @FieldResolver(() => [Entitlement], {
    nullable: true,
    description: 'Entitlements to courses (Berechtigungsscheine) you may see, newest first',
  })
  entitlements(@Root() p: CoursesPerson, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.entitlementsByPerson.load(p.id);
  }
}
