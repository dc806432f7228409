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
import { CoursesPerson } from './person/person.types';

export const coursesEntities = [
  CourseProviderEntity,
  CourseEntity,
  EntitlementEntity,
  EntitlementBodyEntity,
  EntitlementStepEntity,
  OutboxEvent,
];
export const coursesMigrations = [
  CoursesInitial1764000000000,
  CoursesRowSecurity1764500000000,
  CoursesEntitlements1765400000000,
];

export type CoursesSubgraph = Subgraph & { services: CoursesServices };

/**
 * Courses: providers, their language courses and the entitlement ledger; extends `Person` with
 * `entitlements`. Partners' kinds and persons' municipalities come through `links` (ADR 0007).
 */
export async function buildCoursesSubgraph(
  ds: DataSource,
  deps: SubgraphDeps,
  links: CoursesLinks = schemaOnlyLinks,
): Promise<CoursesSubgraph> {
  const ledger = new EntitlementLedger(deps.outbox, deps.clock, deps.rowSecurity);
  const services: CoursesServices = {
    providers: new CourseProviderService(ds, deps.clock),
    courses: new CourseService(ds, deps.outbox, deps.clock),
    entitlements: new EntitlementService(ds, ledger, deps.clock, links),
    entitlementUse: new EntitlementUse(ds, ledger, deps.clock, links.entitlementLapseDays),
  };
  const { schema, sdl } = await buildFederatedSchema(
    {
      resolvers: [CourseProviderResolver, CourseResolver, EntitlementResolver, PersonEntitlementsResolver],
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
