import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { CourseService } from './course/course.service';
import { MatchingService } from './matching/matching.service';
import { CourseProviderService } from './provider/provider.service';

export interface CoursesServices {
  providers: CourseProviderService;
  courses: CourseService;
  matching: MatchingService;
}

export function createCoursesLoaders(services: CoursesServices, actor: Actor) {
  return {
    provider: loaderOne(
      (ids: readonly string[]) => services.providers.byIds(actor, ids),
      (p) => p.id,
    ),
    providerCourses: loaderMany(
      (ids: readonly string[]) => services.courses.byProviders(actor, ids),
      (c) => c.providerId,
    ),
  };
}

export type CoursesContext = SubgraphContext<ReturnType<typeof createCoursesLoaders>> & { services: CoursesServices };
