import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Info, Int, Mutation, Resolver, Root } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { wantsTotalCount } from '../../shared/connection.selection';
import { freeSeats } from './enrolment.state';
import { CourseEntity } from '../course/course.entity';
import { EnrolmentEntity } from './enrolment.entity';
import { Course } from '../course/course.types';
import { CoursesContext } from '../courses.context';
import { CoursesPerson } from '../person/person.types';
import {
  Attendance,
  EndEnrolmentInput,
  EnrolInput,
  Enrolment,
  EnrolmentConnection,
  EnrolmentStatusEnum,
  OfferSeatInput,
  RecordAttendanceInput,
  RespondToSeatOfferInput,
} from './enrolment.types';

@ArgsType()
class CourseEnrolmentsArgs {
  @Field(() => Int, { nullable: true, description: '1 to 100, default 20' }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => [EnrolmentStatusEnum], { nullable: true, description: 'Any of these statuses' }) status?: string[];
}

@Resolver(() => Enrolment)
export class EnrolmentResolver {
  @Mutation(() => Enrolment, {
    description:
      "Enrol a person in a course: enrolled if a seat is free, else waitlisted. By the course's provider, " +
      'or by the sender of an accepted integration-course referral to it (referralId)',
  })
  enrol(@Arg('input', () => EnrolInput) input: EnrolInput, @Ctx() ctx: CoursesContext) {
    return ctx.services.enrolments.enrol(ctx.actor, input);
  }

  @Mutation(() => Enrolment, { description: 'Offer a free seat to a waitlisted person (the provider)' })
  offerSeat(@Arg('input', () => OfferSeatInput) input: OfferSeatInput, @Ctx() ctx: CoursesContext) {
    return ctx.services.enrolments.offerSeat(ctx.actor, input);
  }

  @Mutation(() => Enrolment, {
    description: "The person's answer to a seat offer, given by the provider or the referral's sender",
  })
  respondToSeatOffer(
    @Arg('input', () => RespondToSeatOfferInput) input: RespondToSeatOfferInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.enrolments.respond(ctx.actor, input);
  }

  @Mutation(() => Attendance, { description: 'Record whether a participant attended a session day (the provider)' })
  recordAttendance(
    @Arg('input', () => RecordAttendanceInput) input: RecordAttendanceInput,
    @Ctx() ctx: CoursesContext,
  ) {
    return ctx.services.enrolments.recordAttendance(ctx.actor, input);
  }

  @Mutation(() => Enrolment, { description: 'End an enrolment as completed or dropped (the provider)' })
  endEnrolment(@Arg('input', () => EndEnrolmentInput) input: EndEnrolmentInput, @Ctx() ctx: CoursesContext) {
    return ctx.services.enrolments.endEnrolment(ctx.actor, input);
  }
}

@Resolver(() => Enrolment)
export class EnrolmentCourseResolver {
  @FieldResolver(() => Course, { nullable: true, description: 'The course, if in your jurisdiction' })
  course(@Root() e: EnrolmentEntity, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.course.load(e.courseId);
  }
}

/** Seats come from enrolments: capacity less offered and enrolled. */
@Resolver(() => Course)
export class CourseEnrolmentResolver {
  @FieldResolver(() => Int, { description: 'Seats held by offered and enrolled participants' })
  async seatsTaken(@Root() c: CourseEntity, @Ctx() ctx: CoursesContext) {
    return (await ctx.loaders.courseSeats.load(c.id))?.held ?? 0;
  }

  @FieldResolver(() => Int, { description: 'capacity − seatsTaken' })
  async seatsFree(@Root() c: CourseEntity, @Ctx() ctx: CoursesContext) {
    return freeSeats(c.capacity, (await ctx.loaders.courseSeats.load(c.id))?.held ?? 0);
  }

  @FieldResolver(() => Int, { description: 'Persons on the waitlist' })
  async waitlistLength(@Root() c: CourseEntity, @Ctx() ctx: CoursesContext) {
    return (await ctx.loaders.courseSeats.load(c.id))?.waiting ?? 0;
  }

  @FieldResolver(() => EnrolmentConnection, { description: "The course's enrolments: for its provider only" })
  enrolments(
    @Root() c: CourseEntity,
    @Args(() => CourseEnrolmentsArgs) args: CourseEnrolmentsArgs,
    @Ctx() ctx: CoursesContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.enrolments.forCourse(ctx.actor, c.id, { ...args, count: wantsTotalCount(info) });
  }
}

@Resolver(() => CoursesPerson)
export class PersonEnrolmentResolver {
  @PersonalData('course_participation')
  @FieldResolver(() => [Enrolment], {
    nullable: true,
    description: 'Waitlist places, seat offers and enrolments in courses of your jurisdiction, newest first',
  })
  enrolments(@Root() p: CoursesPerson, @Ctx() ctx: CoursesContext) {
    return ctx.loaders.personEnrolments.load(p.id);
  }
}
