import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CityContext } from '../city.context';
import { DuplicateSuspicionEntity } from './duplicate.entity';
import {
  ConfirmDuplicateInput,
  DismissDuplicateInput,
  DuplicateSuspicion,
  DuplicateSuspicionConnection,
  DuplicateSuspicionStatus,
} from './duplicate.types';

@ArgsType()
class DuplicateSuspicionsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => DuplicateSuspicionStatus, { nullable: true, description: 'Default open' })
  status?: DuplicateSuspicionStatus;
}

@Resolver(() => DuplicateSuspicion)
export class DuplicateSuspicionResolver {
  @Query(() => DuplicateSuspicionConnection, {
    description:
      'Records that may be one person, for review: only those whose two persons you may both see; newest first',
  })
  duplicateSuspicions(
    @Args(() => DuplicateSuspicionsArgs) args: DuplicateSuspicionsArgs,
    @Ctx() ctx: CityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.duplicates.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Mutation(() => DuplicateSuspicion, {
    description: 'Confirm: merge the two records into one (zusammenführen), keeping both identifiers and the biography',
  })
  confirmDuplicate(@Arg('input', () => ConfirmDuplicateInput) input: ConfirmDuplicateInput, @Ctx() ctx: CityContext) {
    return ctx.services.duplicates.confirm(ctx.actor, input);
  }

  @Mutation(() => DuplicateSuspicion, {
    description: 'Dismiss (verwerfen): two persons; the pair is not suggested again',
  })
  dismissDuplicate(@Arg('input', () => DismissDuplicateInput) input: DismissDuplicateInput, @Ctx() ctx: CityContext) {
    return ctx.services.duplicates.dismiss(ctx.actor, input);
  }

  // The persons go through the loader: only records the caller may see, their fields guarded as usual.
  @FieldResolver()
  personA(@Root() s: DuplicateSuspicionEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.person.load(s.personA);
  }

  @FieldResolver()
  personB(@Root() s: DuplicateSuspicionEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.person.load(s.personB);
  }

  @FieldResolver()
  keptPerson(@Root() s: DuplicateSuspicionEntity, @Ctx() ctx: CityContext) {
    return s.keptPersonId ? ctx.loaders.person.load(s.keptPersonId) : null;
  }
}
