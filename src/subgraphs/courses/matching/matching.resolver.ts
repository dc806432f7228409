import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { CoursesContext } from '../courses.context';
import { CourseMatch, CourseNeedsInput } from './matching.types';

@Resolver(() => CourseMatch)
export class MatchingResolver {
  @Query(() => [CourseMatch], {
    description:
      'Open and running courses in your jurisdiction ranked for a person’s needs, best first, each with the ' +
      'reasons it matched and what it misses. Needs a legal basis or consent for the person’s ' +
      'course_participation or identity data under your purpose.',
  })
  courseMatches(
    @Arg('personId', () => ID) personId: string,
    @Arg('needs', () => CourseNeedsInput) needs: CourseNeedsInput,
    @Arg('first', () => Int, { nullable: true, description: '1 to 50, default 10' }) first: number | null,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.matching.match(ctx.actor, ctx.policy, personId, needs, first);
  }
}
