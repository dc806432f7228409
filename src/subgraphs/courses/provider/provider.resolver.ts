import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Course } from '../course/course.types';
import { CoursesContext } from '../courses.context';
import { CourseProviderEntity } from './provider.entity';
import { CourseProvider, RegisterCourseProviderInput } from './provider.types';

@Resolver(() => CourseProvider)
export class CourseProviderResolver {
  @Query(() => [CourseProvider], { description: 'Course providers seated in your jurisdiction, by name' })
  courseProviders(@Ctx() ctx: CoursesContext) {
    return ctx.services.providers.list(ctx.actor);
  }

  @Mutation(() => CourseProvider, { description: 'Register a course provider (yourself, unless you hold the scope *)' })
  registerCourseProvider(
    @Arg('input', () => RegisterCourseProviderInput) input: RegisterCourseProviderInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.providers.register(ctx.actor, input);
  }

  @FieldResolver(() => [Course], { description: 'Its courses in your jurisdiction, by start' })
  courses(@Root() p: CourseProviderEntity, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.providerCourses.load(p.id);
  }
}
