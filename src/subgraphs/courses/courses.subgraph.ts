import { CoursesRowSecurity1764500000000 } from './migrations/1764500000000-courses-row-security';
import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph, SubgraphDeps } from '../subgraph';
import { CourseEntity } from './course/course.entity';
import { CourseResolver } from './course/course.resolver';
import { CourseService } from './course/course.service';
import { CoursesContext, CoursesServices, createCoursesLoaders } from './courses.context';
import { CoursesInitial1764000000000 } from './migrations/1764000000000-courses-initial';
import { CoursesOfferDetails1765390000000 } from './migrations/1765390000000-courses-offer-details';
import { CourseProviderEntity } from './provider/provider.entity';
import { CourseProviderResolver } from './provider/provider.resolver';
import { CourseProviderService } from './provider/provider.service';
import { AttendanceEntity, EnrolmentEntity } from './enrolment/enrolment.entity';
import {
  CourseEnrolmentResolver,
  EnrolmentCourseResolver,
  EnrolmentResolver,
  PersonEnrolmentResolver,
} from './enrolment/enrolment.resolver';
import { EnrolmentDeps, EnrolmentService } from './enrolment/enrolment.service';
import { CoursesEnrolments1765420000000 } from './migrations/1765420000000-courses-enrolments';
import { CoursesPerson } from './person/person.types';

export const coursesEntities = [CourseProviderEntity, CourseEntity, EnrolmentEntity, AttendanceEntity, OutboxEvent];
export const coursesMigrations = [
  CoursesInitial1764000000000,
  CoursesRowSecurity1764500000000,
  CoursesOfferDetails1765390000000,
  CoursesEnrolments1765420000000,
];

export type CoursesSubgraph = Subgraph & { services: CoursesServices };

/** What only the courses' services need, built by the container: the hub's referrals and the offer timers. */
export type CoursesDeps = EnrolmentDeps;

/** Courses: providers, their language courses and enrolments; extends `Person` with `enrolments`. */
export async function buildCoursesSubgraph(
  ds: DataSource,
  deps: SubgraphDeps,
  courses: CoursesDeps,
): Promise<CoursesSubgraph> {
  const services: CoursesServices = {
    providers: new CourseProviderService(ds, deps.clock),
    courses: new CourseService(ds, deps.outbox, deps.clock),
    enrolments: new EnrolmentService(ds, deps.outbox, deps.clock, courses),
  };
  const { schema, sdl } = await buildFederatedSchema(
    {
      resolvers: [
        CourseProviderResolver,
        CourseResolver,
        EnrolmentResolver,
        EnrolmentCourseResolver,
        CourseEnrolmentResolver,
        PersonEnrolmentResolver,
      ],
      orphanedTypes: [CoursesPerson],
    },
    // No existence check: the city subgraph owns persons, and a stub is all this subgraph needs.
    { Person: (ref: { id: string }) => ({ id: ref.id }) },
  );
  return {
    name: 'courses',
    dataSource: ds,
    schema,
    sdl,
    services,
    createContext: (actor: Actor): CoursesContext => ({
      actor,
      services,
      loaders: createCoursesLoaders(services, actor),
      policy: deps.pdp.forRequest(actor),
    }),
  };
}
