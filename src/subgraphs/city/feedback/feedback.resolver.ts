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
import { PersonalData } from '../../../policy/personal-data';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CityContext } from '../city.context';
import { PersonEntity } from '../person/person.entity';
import { Person } from '../person/person.types';
import { ClientFeedbackEntity } from './feedback.entity';
import { FEEDBACK_CATEGORY } from './feedback.state';
import {
  Feedback,
  FeedbackConnection,
  FeedbackFilterInput,
  FeedbackOfferEnum,
  FeedbackPeriodInput,
  FeedbackSummary,
  SubmitFeedbackInput,
} from './feedback.types';

@ArgsType()
class FeedbackArgs {
  @Field(() => FeedbackFilterInput, { nullable: true }) filter?: FeedbackFilterInput | null;
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

/** Date scalars arrive as Date objects; the service takes ISO days. */
const day = (v: Date | string | null | undefined) => (v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? null));

@Resolver(() => Feedback)
export class FeedbackResolver {
  @Query(() => FeedbackConnection, {
    description: 'Feedback you collected (scope feedback:write), newest month first; never any person reference',
  })
  feedback(@Args(() => FeedbackArgs) args: FeedbackArgs, @Ctx() ctx: CityContext, @Info() info: GraphQLResolveInfo) {
    return ctx.services.feedback.list(ctx.actor, {
      first: args.first,
      after: args.after,
      offer: args.filter?.offer ?? null,
      from: day(args.filter?.from),
      to: day(args.filter?.to),
      count: wantsTotalCount(info),
    });
  }

  @Query(() => FeedbackSummary, {
    description: 'Counts and means of the city’s feedback on an offer in a period; below 5 answers suppressed',
  })
  feedbackSummary(
    @Arg('offer', () => FeedbackOfferEnum) offer: FeedbackOfferEnum,
    @Arg('period', () => FeedbackPeriodInput) period: FeedbackPeriodInput,
    @Ctx() ctx: CityContext,
  ) {
    return ctx.services.feedback.summary(ctx.actor, offer, { from: day(period.from)!, to: day(period.to)! });
  }

  @Mutation(() => Feedback, {
    description:
      'Record client feedback on an offer (Rückmeldung; scope feedback:write): anonymous unless linkToPerson',
  })
  submitFeedback(@Arg('input', () => SubmitFeedbackInput) input: SubmitFeedbackInput, @Ctx() ctx: CityContext) {
    return ctx.services.feedback.submit(ctx.actor, input);
  }

  @FieldResolver(() => String)
  month(@Root() f: ClientFeedbackEntity) {
    return String(f.month).slice(0, 7);
  }
}

@Resolver(() => Person)
export class PersonFeedbackResolver {
  @PersonalData(FEEDBACK_CATEGORY)
  @FieldResolver(() => [Feedback], {
    nullable: true,
    description: 'Feedback the person chose to link to themselves (case notes: shown under a basis or consent)',
  })
  feedback(@Root() p: PersonEntity, @Ctx() ctx: CityContext) {
    return ctx.loaders.feedback.load(p.id);
  }
}
