import type { Actor } from '../../src/shared/actor';
import type { CourseEntity } from '../../src/subgraphs/courses/course/course.entity';
import { CefrLevel, CourseKind, CreateCourseInput } from '../../src/subgraphs/courses/course/course.types';
import type { CourseProviderEntity } from '../../src/subgraphs/courses/provider/provider.entity';
import type { RegisterCourseProviderInput } from '../../src/subgraphs/courses/provider/provider.types';
import { actorFor, WithContainer, asHub } from './factory.support';
import { RHEINE } from './person.factory';

/** A year surely ahead of today, yet within the horizon input dates must keep (10 years). */
export const YEAR_AHEAD = new Date().getUTCFullYear() + 3;

type CourseOverrides = Partial<CreateCourseInput> & { providerId: string };

/** Registers the course provider of partner `slug` (named after it, in Rheine), acting as that partner. */
export function registerCourseProvider(
  app: WithContainer,
  slug: string,
  overrides: Partial<RegisterCourseProviderInput> = {},
): Promise<CourseProviderEntity> {
  const input = { partnerSlug: slug, name: slug, municipalityKey: RHEINE, ...overrides };
  return asHub(app, () => app.container.subgraphs.courses.services.providers.register(actorFor(slug), input));
}

/** A course to create: a B1 integration course in Rheine with 20 places, starting 1 March of YEAR_AHEAD, unless overridden. */
export const courseInput = (input: CourseOverrides): CreateCourseInput => ({
  title: 'Integrationskurs',
  kind: CourseKind.integration_course,
  targetLevel: CefrLevel.B1,
  startsOn: `${YEAR_AHEAD}-03-01`,
  schedule: 'Mo–Fr 9–12',
  lessonsPerWeek: 20,
  capacity: 20,
  location: 'Rheine',
  municipalityKey: RHEINE,
  ...input,
});

/** Creates a course through the courses' service, as `who` (the provider's partner, or an actor). */
export function createCourse(app: WithContainer, who: string | Actor, input: CourseOverrides): Promise<CourseEntity> {
  return asHub(app, () => app.container.subgraphs.courses.services.courses.create(actorFor(who), courseInput(input)));
}
