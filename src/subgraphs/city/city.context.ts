import DataLoader from 'dataloader';
import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { CaseAppointments } from './case/case.appointments';
import { CaseAssessments } from './case/case.assessment';
import { CaseClosure } from './case/case.closure';
import { CaseGoals } from './case/case.goals';
import { CaseList } from './case/case.list';
import type { CaseHelpPlanItemEntity } from './case/case.entity';
import { CaseService } from './case/case.service';
import { EumaService } from './case/euma.service';
import { HelpPlanService } from './case/help-plan.service';
import type { HelpPlanReferralState } from './case/help-plan.ports';
import { WorklistService } from './case/worklist.service';
import { ArrivalReads } from './arrival/arrival.reads';
import { ArrivalService } from './arrival/arrival.service';
import { DuplicateService } from './duplicate/duplicate.service';
import { FeedbackService } from './feedback/feedback.service';
import { MunicipalityService } from './municipality/municipality.service';
import { PersonService } from './person/person.service';
import { ResidenceService } from './residence/residence.service';

export interface CityServices {
  persons: PersonService;
  residence: ResidenceService;
  municipalities: MunicipalityService;
  duplicates: DuplicateService;
  cases: CaseService;
  caseAssessments: CaseAssessments;
  caseGoals: CaseGoals;
  caseAppointments: CaseAppointments;
  caseClosure: CaseClosure;
  caseList: CaseList;
  /** The help plan (Hilfeplan): items and their referrals through the hub. */
  helpPlan: HelpPlanService;
  /** The eUMA track: cases opened from accepted transfers; confirmWorkingAlliance. */
  euma: EumaService;
  /** The case manager's worklist (Arbeitsliste). */
  worklist: WorklistService;
  feedback: FeedbackService;
  arrivals: ArrivalService;
  arrivalReads: ArrivalReads;
}

export function createCityLoaders(services: CityServices, actor: Actor) {
  return {
    person: loaderOne(
      (ids: readonly string[]) => services.persons.byIds(actor, ids),
      (p) => p.id,
    ),
    residenceHistory: loaderMany(
      (ids: readonly string[]) => services.residence.historyFor(actor, ids),
      (r) => r.personId,
    ),
    householdMembers: loaderMany(
      (ids: readonly string[]) => services.persons.byHouseholds(actor, ids),
      (p) => p.householdId!,
    ),
    cases: loaderMany(
      (ids: readonly string[]) => services.cases.forPersons(actor, ids),
      (c) => c.personId,
    ),
    caseAssessments: loaderMany(
      (ids: readonly string[]) => services.caseAssessments.forCases(actor, ids),
      (a) => a.caseId,
    ),
    caseGoals: loaderMany(
      (ids: readonly string[]) => services.caseGoals.forCases(actor, ids),
      (g) => g.caseId,
    ),
    caseAppointments: loaderMany(
      (ids: readonly string[]) => services.caseAppointments.forCases(actor, ids),
      (a) => a.caseId,
    ),
    helpPlan: loaderMany(
      (ids: readonly string[]) => services.helpPlan.forCases(actor, ids),
      (i) => i.caseId,
    ),
    // Keyed by item: the hub reads the referrals by their persons, one batch per request.
    referralStates: new DataLoader<CaseHelpPlanItemEntity, HelpPlanReferralState | null, string>(
      async (items) => {
        const states = await services.helpPlan.states(actor, items);
        return items.map((i) => (i.referralId ? (states.get(i.referralId) ?? null) : null));
      },
      { cacheKeyFn: (i) => i.id },
    ),
    feedback: loaderMany(
      (ids: readonly string[]) => services.feedback.forPersons(ids),
      (f) => f.personId,
    ),
    municipality: loaderOne(
      (keys: readonly string[]) => services.municipalities.byKeys(keys),
      (m) => m.key,
    ),
    // Keyed by family: the household, or the person registered without one.
    arrivalVisits: loaderMany(
      (families: readonly string[]) => services.arrivalReads.byFamilies(actor, families),
      (v) => v.familyId,
    ),
  };
}

export type CityContext = SubgraphContext<ReturnType<typeof createCityLoaders>> & { services: CityServices };
