import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { CaseService } from './case/case.service';
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
  feedback: FeedbackService;
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
    feedback: loaderMany(
      (ids: readonly string[]) => services.feedback.forPersons(ids),
      (f) => f.personId,
    ),
    municipality: loaderOne(
      (keys: readonly string[]) => services.municipalities.byKeys(keys),
      (m) => m.key,
    ),
  };
}

export type CityContext = SubgraphContext<ReturnType<typeof createCityLoaders>> & { services: CityServices };
