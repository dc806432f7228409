import { CoursesRowSecurity1764500000000 } from './migrations/1764500000000-courses-row-security';
import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import type { PersonDirectory } from '../../shared/person-directory';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph, SubgraphDeps } from '../subgraph';
import { CourseEntity } from './course/course.entity';
import { CourseResolver } from './course/course.resolver';
import { CourseService } from './course/course.service';
import { CoursesContext, CoursesServices, createCoursesLoaders } from './courses.context';
import { CoursesInitial1764000000000 } from './migrations/1764000000000-courses-initial';
import { CoursesOfferDetails1765390000000 } from './migrations/1765390000000-courses-offer-details';
import { MatchingResolver } from './matching/matching.resolver';
import { MatchingService, SeatCounter } from './matching/matching.service';
import { CourseProviderEntity } from './provider/provider.entity';
import { CourseProviderResolver } from './provider/provider.resolver';
import { CourseProviderService } from './provider/provider.service';

export const coursesEntities = [CourseProviderEntity, CourseEntity, OutboxEvent];
export const coursesMigrations = [
  CoursesInitial1764000000000,
  CoursesRowSecurity1764500000000,
  CoursesOfferDetails1765390000000,
];

export type CoursesSubgraph = Subgraph & { services: CoursesServices };

/**
 * Courses: providers and their language courses. Adds nothing to `Person` yet (enrolments
 * would), so it declares no Person stub.
 */
export interface CoursesExtras {
  /** The city's persons, for course matching (sex, district); without it matching uses the needs only. */
  persons?: Pick<PersonDirectory, 'get'>;
  /** Seats taken and waitlists per course; without it the full capacity counts. */
  seats?: SeatCounter;
}

export async function buildCoursesSubgraph(
  ds: DataSource,
  deps: SubgraphDeps,
  extras: CoursesExtras = {},
): Promise<CoursesSubgraph> {
  const providers = new CourseProviderService(ds, deps.clock);
  const courses = new CourseService(ds, deps.outbox, deps.clock);
  const services: CoursesServices = {
    providers,
    courses,
    matching: new MatchingService({
      courses,
      providers,
      clock: deps.clock,
      known: deps.pdp,
      persons: extras.persons,
      seats: extras.seats,
    }),
  };
  const { schema, sdl } = await buildFederatedSchema({
    resolvers: [CourseProviderResolver, CourseResolver, MatchingResolver],
  });
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
