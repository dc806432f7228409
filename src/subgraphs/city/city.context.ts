import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { CaseAppointments } from './case/case.appointments';
import { CaseAssessments } from './case/case.assessment';
import { CaseClosure } from './case/case.closure';
import { CaseGoals } from './case/case.goals';
import { CaseList } from './case/case.list';
import { CaseService } from './case/case.service';
import { DuplicateService } from './duplicate/duplicate.service';
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
    municipality: loaderOne(
      (keys: readonly string[]) => services.municipalities.byKeys(keys),
      (m) => m.key,
    ),
  };
}

export type CityContext = SubgraphContext<ReturnType<typeof createCityLoaders>> & { services: CityServices };
