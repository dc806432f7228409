import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { CourseService } from './course/course.service';
import { MatchingService } from './matching/matching.service';
import { EnrolmentService } from './enrolment/enrolment.service';
import { CourseProviderService } from './provider/provider.service';
import { EntitlementService } from './entitlement/entitlement.service';
import { EntitlementUse } from './entitlement/entitlement.use';

export interface CoursesServices {
  providers: CourseProviderService;
  courses: CourseService;
  matching: MatchingService;
  entitlements: EntitlementService;
  /** Course activity, the lapse sweep and moves (the enrolment ledger, the maintenance queue, the move rule). */
  entitlementUse: EntitlementUse;
  enrolments: EnrolmentService;
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
    entitlementsByPerson: loaderMany(
      (ids: readonly string[]) => services.entitlements.byPersons(actor, ids),
      (e) => e.personId,
    ),
    entitlementBodies: loaderMany(
      (ids: readonly string[]) => services.entitlements.bodiesOf(ids),
      (b) => b.entitlementId,
    ),
    entitlementSteps: loaderMany(
      (ids: readonly string[]) => services.entitlements.stepsOf(ids),
      (s) => s.entitlementId,
    ),
    courseSeats: loaderOne(
      (ids: readonly string[]) => services.enrolments.seatCounts(ids),
      (s) => s.courseId,
    ),
    course: loaderOne(
      (ids: readonly string[]) => services.enrolments.courses(actor, ids),
      (c) => c.id,
    ),
    personEnrolments: loaderMany(
      (ids: readonly string[]) => services.enrolments.byPersons(actor, ids),
      (e) => e.personId,
    ),
  };
}

export type CoursesContext = SubgraphContext<ReturnType<typeof createCoursesLoaders>> & { services: CoursesServices };
