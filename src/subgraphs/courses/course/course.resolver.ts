import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wantsTotalCount } from '../../shared/connection.selection';
import { CoursesContext } from '../courses.context';
import { CourseProvider } from '../provider/provider.types';
import { CourseEntity } from './course.entity';
import { Course, CourseConnection, CourseFilter, CreateCourseInput } from './course.types';

@ArgsType()
class CoursesArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => CourseFilter, { nullable: true }) filter?: CourseFilter;
}

@Resolver(() => Course)
export class CourseResolver {
  @Query(() => Course, { nullable: true, description: 'A course in your jurisdiction, or null' })
  course(@Arg('id', () => ID) id: string, @Ctx() ctx: CoursesContext) {
    return ctx.services.courses.get(ctx.actor, id);
  }

  @Query(() => CourseConnection, { description: 'Courses in your jurisdiction, by start date' })
  courses(@Args(() => CoursesArgs) args: CoursesArgs, @Ctx() ctx: CoursesContext, @Info() info: GraphQLResolveInfo) {
    return ctx.services.courses.list(ctx.actor, { ...args, count: wantsTotalCount(info) });
  }

  @Mutation(() => Course, { description: 'Create a course for your own provider (any provider with the scope *)' })
  createCourse(@Arg('input', () => CreateCourseInput) input: CreateCourseInput, @Ctx() ctx: CoursesContext) {
    return ctx.services.courses.create(ctx.actor, input);
  }

  @FieldResolver(() => CourseProvider)
  async provider(@Root() c: CourseEntity, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.provider.load(c.providerId);
  }
}
