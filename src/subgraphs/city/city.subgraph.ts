import { CityRowSecurity1764500000000 } from './migrations/1764500000000-city-row-security';
import { CityOutboxTraceContext1765530000000 } from './migrations/1765530000000-city-outbox-trace-context';
import { DataSource } from 'typeorm';
import { Actor } from '../../shared/actor';
import { notFound } from '../../shared/errors';
import { OutboxEvent } from '../../events/outbox.entity';
import { buildFederatedSchema } from '../federation';
import { Subgraph, SubgraphDeps } from '../subgraph';
import { CityContext, CityServices, createCityLoaders } from './city.context';
import { HouseholdEntity } from './household/household.entity';
import { CityInitial1764000000000 } from './migrations/1764000000000-city-initial';
import { CityNameSearch1765100000000 } from './migrations/1765100000000-city-name-search';
import { CityArrival1765300000000 } from './migrations/1765300000000-city-arrival';
import { CityDuplicates1765410000000 } from './migrations/1765410000000-city-duplicates';
import { CityAbdSearchNames1765410000001 } from './migrations/1765410000001-city-abd-search-names';
import {
  CaseAppointmentEntity,
  CaseAssessmentEntity,
  CaseEntity,
  CaseGoalEntity,
  CaseHelpPlanItemEntity,
} from './case/case.entity';
import { CaseResolver, PersonCasesResolver } from './case/case.resolver';
import { CaseService } from './case/case.service';
import { CaseAppointments } from './case/case.appointments';
import { CaseAssessments } from './case/case.assessment';
import { CaseClosure } from './case/case.closure';
import { CaseDetailResolver } from './case/case-detail.resolver';
import { CaseGoals } from './case/case.goals';
import { CaseList } from './case/case.list';
import { EumaResolver } from './case/euma.resolver';
import { EumaService } from './case/euma.service';
import { CaseHelpPlanResolver, HelpPlanResolver } from './case/help-plan.resolver';
import type { CaseDeps } from './case/help-plan.ports';
import { HelpPlanService } from './case/help-plan.service';
import { WorklistResolver } from './case/worklist.resolver';
import { WorklistService } from './case/worklist.service';
import { CityCases1765470000000 } from './migrations/1765470000000-city-cases';
import { CityCaseGoalDropped1765480000000 } from './migrations/1765480000000-city-case-goal-dropped';
import { CityCaseRetention1765510000001 } from './migrations/1765510000001-city-case-retention';
import { ClientFeedbackEntity, FeedbackPersonLinkEntity } from './feedback/feedback.entity';
import { FeedbackResolver, PersonFeedbackResolver } from './feedback/feedback.resolver';
import { FeedbackService } from './feedback/feedback.service';
import { CityFeedback1765460000001 } from './migrations/1765460000001-city-feedback';
import { CityArrivalVisits1765450000000 } from './migrations/1765450000000-city-arrival-visits';
import { ArrivalVisitEntity } from './arrival/arrival.entity';
import type { ArrivalHubPorts } from './arrival/arrival.ports';
import { ArrivalReads } from './arrival/arrival.reads';
import { ArrivalVisitResolver, PersonArrivalVisitResolver } from './arrival/arrival.resolver';
import { ArrivalService } from './arrival/arrival.service';
import { DuplicateSuspicionEntity } from './duplicate/duplicate.entity';
import { DuplicateSuspicionResolver } from './duplicate/duplicate.resolver';
import { DuplicateService } from './duplicate/duplicate.service';
import { MunicipalityEntity } from './municipality/municipality.entity';
import { MunicipalityResolver } from './municipality/municipality.resolver';
import { MunicipalityService } from './municipality/municipality.service';
import { PersonEntity } from './person/person.entity';
import { HouseholdResolver, PersonResolver } from './person/person.resolver';
import { PersonService } from './person/person.service';
import { ResidenceStatusEntity } from './residence/residence.entity';
import { PersonResidenceResolver, ResidenceResolver } from './residence/residence.resolver';
import { ResidenceService } from './residence/residence.service';

export const cityEntities = [
  PersonEntity,
  HouseholdEntity,
  MunicipalityEntity,
  ResidenceStatusEntity,
  DuplicateSuspicionEntity,
  CaseEntity,
  CaseAssessmentEntity,
  CaseGoalEntity,
  CaseAppointmentEntity,
  CaseHelpPlanItemEntity,
  ClientFeedbackEntity,
  FeedbackPersonLinkEntity,
  ArrivalVisitEntity,
  OutboxEvent,
];
export const cityMigrations = [
  CityInitial1764000000000,
  CityRowSecurity1764500000000,
  CityNameSearch1765100000000,
  CityArrival1765300000000,
  CityDuplicates1765410000000,
  CityAbdSearchNames1765410000001,
  CityCases1765470000000,
  CityCaseGoalDropped1765480000000,
  CityFeedback1765460000001,
  CityArrivalVisits1765450000000,
  CityCaseRetention1765510000001,
  CityOutboxTraceContext1765530000000,
];

export type CitySubgraph = Subgraph & { services: CityServices };

/** What only the city's services need of others, wired by the container: the help plan's referrals (CaseDeps) and more. */
export interface CityDeps extends CaseDeps {
  /** Arrival visits check referrals and the team through the hub's services (ADR 0007). */
  arrivalHub: ArrivalHubPorts;
}

/** City: persons, households, residence status (owner of `Person`). */
export async function buildCitySubgraph(ds: DataSource, deps: SubgraphDeps, city: CityDeps): Promise<CitySubgraph> {
  const municipalities = new MunicipalityService(ds);
  const persons = new PersonService(ds, deps.outbox, municipalities, deps.clock, deps.pdp, deps.rowSecurity);
  const cases = new CaseService(ds, deps.outbox, deps.clock, deps.pdp, persons);
  const helpPlan = new HelpPlanService(ds, cases, deps.pdp, deps.clock, city);
  const services: CityServices = {
    persons,
    municipalities,
    residence: new ResidenceService(ds, persons, deps.outbox, deps.clock),
    duplicates: new DuplicateService(ds, deps.outbox, deps.clock, deps.pdp),
    cases,
    caseAssessments: new CaseAssessments(ds, deps.clock, deps.pdp, cases),
    caseGoals: new CaseGoals(ds, deps.clock, cases),
    caseAppointments: new CaseAppointments(ds, deps.clock, cases),
    caseClosure: new CaseClosure(deps.clock, cases),
    caseList: new CaseList(ds),
    helpPlan,
    euma: new EumaService(ds, cases, persons, deps.clock, city),
    worklist: new WorklistService(ds, helpPlan, deps.clock),
    feedback: new FeedbackService(ds, deps.outbox, deps.clock, deps.pdp, persons),
    arrivals: new ArrivalService(ds, deps.outbox, deps.clock, deps.pdp, city.arrivalHub),
    arrivalReads: new ArrivalReads(ds, deps.pdp),
  };
  const { schema, sdl } = await buildFederatedSchema(
    {
      resolvers: [
        PersonResolver,
        HouseholdResolver,
        PersonResidenceResolver,
        ResidenceResolver,
        MunicipalityResolver,
        DuplicateSuspicionResolver,
        CaseResolver,
        PersonCasesResolver,
        CaseDetailResolver,
        HelpPlanResolver,
        CaseHelpPlanResolver,
        EumaResolver,
        WorklistResolver,
        FeedbackResolver,
        PersonFeedbackResolver,
        ArrivalVisitResolver,
        PersonArrivalVisitResolver,
      ],
    },
    {
      // Another subgraph names a person the caller may not (or no longer) see, e.g. the person of a
      // closed referral: NOT_FOUND at that field, not a null the gateway cannot merge (an internal error).
      Person: async (ref: { id: string }, ctx: CityContext) =>
        (await ctx.loaders.person.load(ref.id)) ?? notFound('Person', ref.id),
    },
  );
  return {
    name: 'city',
    dataSource: ds,
    schema,
    sdl,
    services,
    createContext: (actor: Actor): CityContext => ({
      actor,
      services,
      loaders: createCityLoaders(services, actor),
      // City rows are read under row security; the policy need not look up the municipality again.
      policy: deps.pdp.forRequest(actor, { jurisdiction: false }),
    }),
  };
}
