import { CoursesRowSecurity1764500000000 } from './migrations/1764500000000-courses-row-security';
import { CoursesOutboxTraceContext1765530000002 } from './migrations/1765530000002-courses-outbox-trace-context';
import { DataSource, EntityManager } from 'typeorm';
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
import { EntitlementBodyEntity, EntitlementEntity, EntitlementStepEntity } from './entitlement/entitlement.entity';
import { EntitlementLedger } from './entitlement/entitlement.ledger';
import { CoursesLinks, schemaOnlyLinks } from './entitlement/entitlement.links';
import { EntitlementResolver, PersonEntitlementsResolver } from './entitlement/entitlement.resolver';
import { EntitlementService } from './entitlement/entitlement.service';
import { EntitlementUse } from './entitlement/entitlement.use';
import { CoursesEntitlements1765400000000 } from './migrations/1765400000000-courses-entitlements';
import { AttendanceEntity, EnrolmentEntity } from './enrolment/enrolment.entity';
import {
  CourseEnrolmentResolver,
  EnrolmentCourseResolver,
  EnrolmentResolver,
  PersonEnrolmentResolver,
} from './enrolment/enrolment.resolver';
import { EnrolmentDeps, EnrolmentService } from './enrolment/enrolment.service';
import type { CourseUse } from './enrolment/enrolment.ports';
import { CoursesEnrolments1765420000000 } from './migrations/1765420000000-courses-enrolments';
import { CoursesPerson } from './person/person.types';

export const coursesEntities = [
  CourseProviderEntity,
  CourseEntity,
  EntitlementEntity,
  EntitlementBodyEntity,
  EntitlementStepEntity,
  EnrolmentEntity,
  AttendanceEntity,
  OutboxEvent,
];
export const coursesMigrations = [
  CoursesInitial1764000000000,
  CoursesRowSecurity1764500000000,
  CoursesOfferDetails1765390000000,
  CoursesEntitlements1765400000000,
  CoursesEnrolments1765420000000,
  CoursesOutboxTraceContext1765530000002,
];

export type CoursesSubgraph = Subgraph & { services: CoursesServices };

/**
 * Courses: providers, their language courses and the entitlement ledger; extends `Person` with
 * `entitlements`. Partners' kinds and persons' municipalities come through `links` (ADR 0007).
 */
export interface CoursesExtras {
  /** The city's persons, for course matching (sex, district); without it matching uses the needs only. */
  persons?: Pick<PersonDirectory, 'get'>;
  /** Seats taken and waitlists per course; without it the full capacity counts. */
  seats?: SeatCounter;
  /** Partners' kinds and persons' municipalities for the entitlement ledger; without it only the schema is built. */
  entitlements?: CoursesLinks;
  /** The hub's referrals and the offer timers, for enrolments. */
  enrolments: EnrolmentDeps;
}

/** What only the courses' services need, built by the container. */
export type CoursesDeps = CoursesExtras;

/**
 * Courses: providers, their language courses, course matching and the entitlement ledger;
 * extends `Person` with `entitlements`. What it needs of other subgraphs comes through `extras`.
 */
export async function buildCoursesSubgraph(
  ds: DataSource,
  deps: SubgraphDeps,
  extras: CoursesExtras,
): Promise<CoursesSubgraph> {
  const providers = new CourseProviderService(ds, deps.clock);
  const courses = new CourseService(ds, deps.outbox, deps.clock);
  const links = extras.entitlements ?? schemaOnlyLinks;
  const ledger = new EntitlementLedger(deps.outbox, deps.clock, deps.rowSecurity);
  const entitlementUse = new EntitlementUse(ds, ledger, deps.clock, links.entitlementLapseDays);
  const enrolments = new EnrolmentService(ds, deps.outbox, deps.clock, extras.enrolments, courseUse(entitlementUse));
  const services: CoursesServices = {
    providers,
    courses,
    matching: new MatchingService({
      courses,
      providers,
      clock: deps.clock,
      known: deps.pdp,
      persons: extras.persons,
      // Seats taken (enrolled or offered) and waitlists come from the enrolments.
      seats: extras.seats ?? enrolmentSeats(enrolments),
    }),
    entitlements: new EntitlementService(ds, ledger, deps.clock, links),
    entitlementUse,
    enrolments,
  };
  const { schema, sdl } = await buildFederatedSchema(
    {
      resolvers: [
        CourseProviderResolver,
        CourseResolver,
        MatchingResolver,
        EntitlementResolver,
        PersonEntitlementsResolver,
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

/** The enrolments' seat counts as course matching asks for them. */
function enrolmentSeats(enrolments: EnrolmentService): SeatCounter {
  return async (_actor, courseIds) =>
    new Map((await enrolments.seatCounts(courseIds)).map((c) => [c.courseId, { taken: c.held, waitlist: c.waiting }]));
}

/** The entitlement a course of each kind uses: integration courses and job-related language courses (DeuFöV). */
const ENTITLEMENT_KIND: Partial<Record<string, string>> = {
  integration_course: 'integration_course',
  youth_course: 'integration_course',
  vocational_language: 'job_language_course',
};

/** Seats and attendance as the entitlement ledger sees them (EntitlementUse), in the enrolment's transaction. */
function courseUse(use: EntitlementUse): CourseUse {
  const kindOf = async (em: EntityManager, courseId: string) => {
    const [c]: Array<{ kind: string }> = await em.query('SELECT kind FROM courses.course WHERE id = $1', [courseId]);
    return c ? ENTITLEMENT_KIND[c.kind] : undefined;
  };
  return {
    async enrolled(em, personId, courseId, provider) {
      const kind = await kindOf(em, courseId);
      if (kind) await use.markInUse(em, personId, kind, provider);
    },
    async attended(em, personId, courseId, provider, lessons) {
      const kind = await kindOf(em, courseId);
      if (!kind) return;
      if (lessons > 0) await use.recordHours(em, { personId, courseKind: kind, provider, hours: lessons });
      else await use.markInUse(em, personId, kind, provider);
    },
  };
}
